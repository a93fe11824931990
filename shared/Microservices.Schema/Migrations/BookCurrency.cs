using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;

namespace Microservices.Schema.Migrations;

/// <summary>
/// Migration 2, an event schema change: book.added.v2 gives a price its currency. Stored book.added.v1 events are
/// not rewritten; the Catalog's upcaster folds them as v2 in <see cref="Before"/>, the currency every price was in
/// until then, and every command since writes the book item with its Currency. The backfill gives it to every book
/// item written before, so a reader of the table (or of an export of it) finds it on all of them. It does not go
/// down: a book added in another currency since could not be told apart.
/// </summary>
public sealed class BookCurrency : InPlaceMigration
{
    public const int Number = 2;

    /// <summary>The currency of every price written before prices carried one.</summary>
    public const string Before = "EUR";

    /// <summary>A book item's currency: one written before book.added.v2 and not yet migrated has none, and was in <see cref="Before"/>.</summary>
    public static string Of(IReadOnlyDictionary<string, AttributeValue> book)
    {
        ArgumentNullException.ThrowIfNull(book);
        return book.TryGetValue(Attributes.Currency, out var currency) ? currency.S : Before;
    }

    public override int Version => Number;

    public override string Name => "book-currency";

    public override string Description => $"Book prices carry their currency: Currency on every book item ({Before} where book.added.v1 had none).";

    public override IReadOnlyList<string> ItemTypes { get; } = [Schema.ItemTypes.Book];

    public override bool Reversible => false;

    /// <summary>Guarded on the version and on Currency still missing: a command that rewrote the book since wins.</summary>
    public override IReadOnlyCollection<string> Guard { get; } = [Attributes.Version, Attributes.Currency];

    public override Dictionary<string, AttributeValue> NewShape(IReadOnlyDictionary<string, AttributeValue> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.ContainsKey(Attributes.Currency) ? new(item) : new(item) { [Attributes.Currency] = new(Before) };
    }

    public override Dictionary<string, AttributeValue> OldShape(IReadOnlyDictionary<string, AttributeValue> item) =>
        throw new NotSupportedException($"Migration {Number} ({Name}) cannot go down.");
}
