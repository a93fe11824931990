using System.Text.RegularExpressions;
using Microservices.Schema.Migrations;

namespace Catalog.Api;

/// <summary>What the catalog accepts as input; fields are named as they appear in the JSON body.</summary>
public static partial class CatalogRules
{
    public const int MaxNameLength = 200;
    public const int MaxTitleLength = 300;
    public const int MaxGenreLength = 40;
    public const decimal MaxPrice = 1_000_000m;

    public static Validation AuthorName(this Validation validation, string? name, string field = "name") =>
        validation.Text(name, field, MaxNameLength);

    public static Validation Title(this Validation validation, string? title, string field = "title") =>
        validation.Text(title, field, MaxTitleLength);

    /// <summary>Genres are slugs ("science-fiction"): one spelling per genre, so one partition per genre.</summary>
    public static Validation Genre(this Validation validation, string? genre, string field = "genre") =>
        validation
            .Require(!string.IsNullOrEmpty(genre), field, $"{field} is required.")
            .Require(genre is null || (genre.Length <= MaxGenreLength && Slug().IsMatch(genre)), field,
                $"{field} must be a lower-case slug such as 'science-fiction' (a-z, 0-9 and single hyphens, at most {MaxGenreLength} characters).");

    public static Validation Price(this Validation validation, decimal? price, string field = "price") =>
        validation
            .Require(price is not null, field, $"{field} is required.")
            .Require(price is null or (> 0 and <= MaxPrice), field, $"{field} must be greater than 0 and at most {MaxPrice}.")
            .Require(price is null || decimal.Round(price.Value, 2) == price.Value, field, $"{field} must have at most two decimals.");

    /// <summary>The currencies a price may be in (ISO 4217); a book added without one is priced in <see cref="DefaultCurrency"/>.</summary>
    public static IReadOnlyList<string> Currencies { get; } = ["EUR", "GBP", "SEK", "USD"];

    public const string DefaultCurrency = BookCurrency.Before;

    public static Validation Currency(this Validation validation, string? currency, string field = "currency") =>
        validation.Require(currency is null || Currencies.Contains(currency, StringComparer.Ordinal), field,
            $"{field} must be one of {string.Join(", ", Currencies)} (ISO 4217, upper case), or left out for {DefaultCurrency}.");

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}
