using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Microservices.ServiceDefaults;

/// <summary>
/// A create's <c>Idempotency-Key</c> header, bound as an endpoint parameter: absent, the parameter is null; present, it
/// is checked like any input (1 to <see cref="MaxLength"/> printable ASCII characters, else a 400 naming the header).
/// When the create turns out to be a replay, the response carries <c>Idempotent-Replayed: true</c>.
/// </summary>
public sealed class IdempotencyKey : IValidatable
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 100;

    public IdempotencyKey(string key) => Key = key;

    public string Key { get; }

    /// <summary>Set by the idempotency behaviour when the answer is the first request's, given again.</summary>
    public bool Replayed { get; set; }

    public static ValueTask<IdempotencyKey?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Headers.TryGetValue(Header, out var values))
        {
            return ValueTask.FromResult<IdempotencyKey?>(null);
        }

        var key = new IdempotencyKey(values.ToString());
        context.Response.OnStarting(() =>
        {
            if (key.Replayed)
            {
                context.Response.Headers[ReplayedHeader] = "true";
            }

            return Task.CompletedTask;
        });
        return ValueTask.FromResult<IdempotencyKey?>(key);
    }

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        validation.Require(Key.Length is > 0 and <= MaxLength && Key.All(c => c is >= '!' and <= '~'), Header,
            $"{Header} must be 1 to {MaxLength} printable ASCII characters without spaces.");
    }

    public override string ToString() => Key;
}

/// <summary>A create that takes an Idempotency-Key: the idempotency behaviour runs it once per key.</summary>
public interface IIdempotentCreate
{
    IdempotencyKey? Idempotency { get; }
}
