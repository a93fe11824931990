namespace Microservices.ServiceDefaults;

/// <summary>Collects field errors for a 400 ValidationProblem; fields are named as they appear in the JSON body.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors;

    public Validation Require(bool condition, string field, string message)
    {
        if (!condition && !_errors.ContainsKey(field))
        {
            _errors[field] = [message];
        }

        return this;
    }

    public Validation Text(string? value, string field, int maxLength)
    {
        Require(!string.IsNullOrWhiteSpace(value), field, $"{field} is required.");
        Require(value is null || value.Length <= maxLength, field, $"{field} must be at most {maxLength} characters.");
        Require(value is null || !value.Any(char.IsControl), field, $"{field} must not contain control characters.");
        Require(value is null || value.Trim() == value, field, $"{field} must not start or end with whitespace.");
        return this;
    }
}
