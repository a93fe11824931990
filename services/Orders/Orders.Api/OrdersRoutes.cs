using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Microservices.EventSourcing;
using Microservices.ServiceDefaults;

namespace Orders.Api;

public static class OrdersRoutes
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>An id that we could never have issued names nothing: 404, the same as an unknown one.</summary>
    public static void RequireId(string id, string resource)
    {
        if (!Ids.IsValid(id))
        {
            throw new NotFoundException(resource, id);
        }
    }

    /// <summary>An opaque cursor: the position to continue after, as base64url JSON. Callers must not build one.</summary>
    public static string Cursor(IReadOnlyDictionary<string, string> position) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(position)));

    public static bool TryReadCursor(string? cursor, out Dictionary<string, string>? position)
    {
        position = null;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        try
        {
            position = JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.DecodeFromChars(cursor));
            return position is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return false;
        }
    }

    public static Validation PageSize(this Validation validation, int? limit) =>
        validation.Require(limit is null or (>= 1 and <= MaxPageSize), "limit", $"limit must be between 1 and {MaxPageSize}.");
}
