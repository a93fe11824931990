using System.Text.RegularExpressions;

namespace Clients.Api;

/// <summary>What the Clients service accepts as input; fields are named as they appear in the JSON body.</summary>
public static partial class ClientsRules
{
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneTypeLength = 40;
    public const int MaxAddressPartLength = 200;

    public static Validation ClientName(this Validation validation, string? name, string field = "name") =>
        validation.Text(name, field, MaxNameLength);

    public static Validation Email(this Validation validation, string? email, string field = "email") =>
        validation
            .Text(email, field, MaxEmailLength)
            .Require(email is null || EmailShape().IsMatch(email), field, $"{field} must be an email address such as 'malin@example.se'.");

    /// <summary>Any text but '/', which could not be addressed in the phone's route (/clients/{id}/phones/{type}).</summary>
    public static Validation PhoneType(this Validation validation, string? type, string field = "type") =>
        validation
            .Text(type, field, MaxPhoneTypeLength)
            .Require(type is null || !type.Contains('/', StringComparison.Ordinal), field, $"{field} must not contain '/'.");

    /// <summary>Numbers as people write them ("+46 (0)70-123 45 67"): digits, spaces, hyphens, parentheses, a leading '+'.</summary>
    public static Validation PhoneNumber(this Validation validation, string? number, string field = "number")
    {
        ArgumentNullException.ThrowIfNull(validation);
        return validation
            .Require(!string.IsNullOrEmpty(number), field, $"{field} is required.")
            .Require(number is null || (NumberShape().IsMatch(number) && number.Count(char.IsAsciiDigit) >= 2), field,
                $"{field} must be a phone number: digits, spaces, '-', '(' and ')', an optional leading '+', at most 32 characters.");
    }

    /// <summary>The phones of a registration: at most the client's bound, each type and number valid, named "phones.{type}".</summary>
    public static Validation Phones(this Validation validation, IReadOnlyDictionary<string, string?>? phones)
    {
        ArgumentNullException.ThrowIfNull(validation);
        if (phones is null)
        {
            return validation;
        }

        validation.Require(phones.Count <= Domain.Client.MaxPhones, "phones", $"phones holds at most {Domain.Client.MaxPhones} numbers.");
        foreach (var (type, number) in phones)
        {
            validation.PhoneType(type, "phones").PhoneNumber(number, $"phones.{type}");
        }

        return validation;
    }

    /// <summary>The digits a phone filter looks for: the characters a number may hold, so nothing can match across two numbers.</summary>
    public static Validation PhoneDigits(this Validation validation, string? contains, string field = "contains")
    {
        ArgumentNullException.ThrowIfNull(validation);
        return validation
            .Require(!string.IsNullOrEmpty(contains), field, $"{field} is required.")
            .Require(contains is null || (contains.Length <= 32 && FilterShape().IsMatch(contains)), field,
                $"{field} must be part of a phone number: digits, spaces, '+', '-', '(' and ')', at most 32 characters.");
    }

    public static Validation AddressPart(this Validation validation, string? value, string field) =>
        validation.Text(value, field, MaxAddressPartLength);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\+?[0-9() -]{2,31}$")]
    private static partial Regex NumberShape();

    [GeneratedRegex(@"^[0-9()+ -]+$")]
    private static partial Regex FilterShape();
}
