using System.Buffers;
using System.Globalization;
using System.Text;
using Microservices.SingleTable;

namespace Microservices.ServiceDefaults;

/// <summary>
/// Input that checks itself: a request body, a command, a query. <see cref="ValidationFilter"/> checks every argument
/// of an endpoint that is one, and the mediator's validation behaviour every message that is one, so no endpoint or
/// handler repeats the <c>if (!valid) return 400</c>.
/// </summary>
public interface IValidatable
{
    void Validate(Validation validation);
}

/// <summary>Input that broke its rules: 400, a ValidationProblem naming each field.</summary>
public sealed class ValidationException(IDictionary<string, string[]> errors)
    : Exception($"The request is invalid: {string.Join(", ", errors.Keys)}.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Collects field errors for a 400 ValidationProblem; fields are named as they appear in the JSON body.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors;

    /// <summary>Checks <paramref name="input"/> and throws <see cref="ValidationException"/> when it broke a rule.</summary>
    public static void Check(IValidatable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var validation = new Validation();
        input.Validate(validation);
        if (!validation.IsValid)
        {
            throw new ValidationException(validation.Errors);
        }
    }

    public Validation Require(bool condition, string field, string message)
    {
        if (!condition && !_errors.ContainsKey(field))
        {
            _errors[field] = [message];
        }

        return this;
    }

    /// <summary>
    /// Text a person typed: at least one visible character (a name of zero-width spaces or a byte-order mark is no
    /// name), no control characters, nothing invisible at either end, and well-formed UTF-16 (a lone surrogate would
    /// be replaced on its way to DynamoDB, so two different texts could become the same key).
    /// </summary>
    public Validation Text(string? value, string field, int maxLength)
    {
        Require(value is not null && value.Any(IsVisible), field, $"{field} is required (and must hold at least one visible character).");
        Require(value is null || value.Length <= maxLength, field, $"{field} must be at most {maxLength} characters.");
        Require(value is null || !value.Any(char.IsControl), field, $"{field} must not contain control characters.");
        Require(value is null || value.Length == 0 || (IsVisible(value[0]) && IsVisible(value[^1])), field, $"{field} must not start or end with whitespace or invisible characters.");
        Require(value is null || IsWellFormed(value), field, $"{field} must be well-formed Unicode text.");
        return this;
    }

    /// <summary>Neither whitespace nor a format or control character (zero-width space, joiners, BOM, bidi marks).</summary>
    private static bool IsVisible(char c) =>
        !char.IsWhiteSpace(c) && CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Format or UnicodeCategory.Control);

    private static bool IsWellFormed(string value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out _, out var consumed) != OperationStatus.Done)
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }

    /// <summary>The version a command expects its aggregate at, from a JSON body.</summary>
    public Validation ExpectedVersion(long? expectedVersion) =>
        Require(expectedVersion is not null, "expectedVersion", "expectedVersion is required.")
            .Require(expectedVersion is null or > 0, "expectedVersion", "expectedVersion must be at least 1.");

    /// <summary>
    /// An expectedVersion from the query string (DELETE has no body), read here rather than bound by ASP.NET so that a
    /// malformed one is a 400 naming the field instead of an anonymous binding failure.
    /// </summary>
    public static long? ReadVersion(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0 ? version : null;

    public Validation ExpectedVersion(string? expectedVersion) =>
        Require(expectedVersion is not null, "expectedVersion", "expectedVersion is required.")
            .Require(expectedVersion is null || ReadVersion(expectedVersion) is not null, "expectedVersion", "expectedVersion must be a whole number of at least 1.");
}

public static class PageValidation
{
    /// <summary>A list's <c>limit</c> and <c>cursor</c>; the cursor must be one <paramref name="list"/> issued.</summary>
    public static Validation Page(this Validation validation, string? limit, string? cursor, CursorShape list)
    {
        ArgumentNullException.ThrowIfNull(validation);
        Pages.Read(limit, cursor, list, out var limitValid, out var cursorValid);
        return validation.Require(limitValid, "limit", Pages.LimitError).Require(cursorValid, "cursor", Pages.CursorError);
    }
}

/// <summary>The <c>?expectedVersion=</c> of a DELETE, which has no body.</summary>
public sealed record ExpectedVersionQuery(string? ExpectedVersion) : IValidatable
{
    public long Version => Validation.ReadVersion(ExpectedVersion) ?? throw new InvalidOperationException("expectedVersion was not validated.");

    public void Validate(Validation validation)
    {
        ArgumentNullException.ThrowIfNull(validation);
        validation.ExpectedVersion(ExpectedVersion);
    }
}
