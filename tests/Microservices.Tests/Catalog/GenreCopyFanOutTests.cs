using Catalog.Domain;
using Catalog.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The genre copy writer on its own, on real DynamoDB Local, with every request it sends watched: a rename's fan-out
/// writes its copies several at a time from the message's name and version, re-reading nothing unless a copy's guard
/// refuses: then the author once, and a late message stops there, while a copy whose book changed has its own sources read.
/// </summary>
public sealed class GenreCopyFanOutTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private const string Genre = "fan-out";

    private DynamoDbOptions _tables = null!;
    private IHost _host = null!;

    private GenreCopyWriter Writer => _host.Services.GetRequiredService<GenreCopyWriter>();

    private DynamoRequests Requests { get; set; } = null!;

    private int FanOut => _host.Services.GetRequiredService<IOptions<DynamoDbOptions>>().Value.FanOutConcurrency;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("fan-out");
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings.Of(_tables));
        builder.Services.AddDynamoDb();
        builder.Services.AddSingleton<GenreCopyWriter>();
        _host = builder.Build();
        Requests = DynamoRequests.Watch(_host.Services);
    }

    public ValueTask DisposeAsync()
    {
        _host.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Renaming_an_author_with_300_books_updates_every_copy_several_writes_at_a_time_without_reading_the_author()
    {
        var authorId = await WriteAuthorAsync("Before", version: 1, books: 300);
        await RenameAsync(authorId, "After", version: 2);
        Requests.Clear();

        await Writer.RefreshAuthorAsync(new Author(authorId, "After", 2), Ct);

        var copies = await TableItems.GenreCopiesAsync(_tables);
        Assert.Equal(300, copies.Count);
        Assert.All(copies, c => Assert.Equal(("After", "2"), (c[Attributes.AuthorName].S, c[Attributes.AuthorVersion].N)));
        Assert.Equal(300, Requests.Operations.Count(o => o == "PutItem"));
        Assert.DoesNotContain("GetItem", Requests.Operations);
        Assert.InRange(Requests.MostInFlight("PutItem"), 2, FanOut);
    }

    [Fact]
    public async Task A_late_rename_never_regresses_a_copy_and_stops_after_one_read_of_the_author()
    {
        var authorId = await WriteAuthorAsync("Second", version: 2, books: 60);
        await RenameAsync(authorId, "Third", version: 3);
        await Writer.RefreshAuthorAsync(new Author(authorId, "Third", 3), Ct);
        Requests.Clear();

        await Writer.RefreshAuthorAsync(new Author(authorId, "Second", 2), Ct); // the rename to "Second", late

        var copies = await TableItems.GenreCopiesAsync(_tables);
        Assert.Equal(60, copies.Count);
        Assert.All(copies, c => Assert.Equal(("Third", "3"), (c[Attributes.AuthorName].S, c[Attributes.AuthorVersion].N)));
        // One read of the author shows the message is late; of the writes, only those already in flight were sent.
        Assert.Equal(1, Requests.Operations.Count(o => o == "GetItem"));
        Assert.InRange(Requests.Operations.Count(o => o == "PutItem"), 1, FanOut);
    }

    [Fact]
    public async Task A_book_changed_after_the_renames_query_has_only_its_own_copy_rebuilt_from_its_sources()
    {
        var authorId = await WriteAuthorAsync("Before", version: 1, books: 0);
        var bookIds = await AddBooksAsync(authorId, from: 0, count: 3);
        await Writer.RefreshAuthorAsync(new Author(authorId, "Before", 1), Ct);
        await RenameAsync(authorId, "After", version: 2);
        var changed = new Book(bookIds[1], authorId, "Volume 001", Genre, 99m, "EUR", 2);
        // Between the rename's query and its write of this copy, the book is repriced and copied with the old name.
        Requests.Before(r => r is PutItemRequest put && put.Item[Attributes.BookId].S == changed.BookId, async () =>
        {
            await PutAsync(CatalogItems.Book(changed));
            await PutAsync(CatalogItems.GenreCopy(changed, new Author(authorId, "Before", 1)));
        });
        Requests.Clear();

        await Writer.RefreshAuthorAsync(new Author(authorId, "After", 2), Ct);

        var copies = await TableItems.GenreCopiesAsync(_tables);
        Assert.All(copies, c => Assert.Equal(("After", "2"), (c[Attributes.AuthorName].S, c[Attributes.AuthorVersion].N)));
        var copy = Assert.Single(copies, c => c[Attributes.BookId].S == changed.BookId);
        Assert.Equal(("99", "2"), (copy[Attributes.Price].N, copy[Attributes.BookVersion].N));
        // The author once, to tell a late message from a changed book; then that book (by title) and its author.
        Assert.Equal(3, Requests.Operations.Count(o => o == "GetItem"));
        Assert.Equal(4, Requests.Operations.Count(o => o == "PutItem"));
    }

    [Fact]
    public async Task A_new_book_is_copied_from_its_message_reading_only_the_author()
    {
        var authorId = await WriteAuthorAsync("Author", version: 1, books: 0);
        var book = new Book(Ids.New(), authorId, "Fresh", Genre, 12.5m, "EUR", 1);
        await PutAsync(CatalogItems.Book(book));
        Requests.Clear();

        await Writer.WriteBookAsync(book, Ct);

        Assert.Equal(["GetItem", "PutItem"], Requests.Operations);
        var copy = Assert.Single(await TableItems.GenreCopiesAsync(_tables));
        Assert.Equal(("Fresh", "Author", "1"), (copy[Attributes.Title].S, copy[Attributes.AuthorName].S, copy[Attributes.BookVersion].N));
    }

    [Fact]
    public async Task A_book_message_older_than_the_stored_copy_is_refused_and_the_copy_rebuilt_from_the_current_book()
    {
        var authorId = await WriteAuthorAsync("Author", version: 1, books: 0);
        var added = new Book(Ids.New(), authorId, "Priced", Genre, 10m, "EUR", 1);
        var repriced = added with { Price = 20m, Version = 2 };
        await PutAsync(CatalogItems.Book(repriced));
        await Writer.WriteBookAsync(repriced, Ct);

        await Writer.WriteBookAsync(added, Ct); // the book.added message, late

        var copy = Assert.Single(await TableItems.GenreCopiesAsync(_tables));
        Assert.Equal(("20", "2"), (copy[Attributes.Price].N, copy[Attributes.BookVersion].N));
    }

    private async Task<string> WriteAuthorAsync(string name, long version, int books)
    {
        var authorId = Ids.New();
        await PutAsync(CatalogItems.Author(new Author(authorId, name, version)));
        await AddBooksAsync(authorId, from: 0, count: books);
        return authorId;
    }

    private async Task<List<string>> AddBooksAsync(string authorId, int from, int count)
    {
        var books = Enumerable.Range(from, count).Select(i => new Book(Ids.New(), authorId, $"Volume {i:D3}", Genre, 5m + i, "EUR", 1)).ToList();
        await Parallel.ForEachAsync(books, Ct, async (book, _) => await PutAsync(CatalogItems.Book(book)));
        return [.. books.Select(b => b.BookId)];
    }

    /// <summary>What the rename command leaves in the table: the author item at its new name and version.</summary>
    private Task RenameAsync(string authorId, string name, long version) => PutAsync(CatalogItems.Author(new Author(authorId, name, version)));

    private async Task PutAsync(Dictionary<string, AttributeValue> item)
    {
        using var client = DynamoDbLocalFixture.CreateClient(_tables);
        await client.PutItemAsync(_tables.TableName, item, Ct);
    }
}
