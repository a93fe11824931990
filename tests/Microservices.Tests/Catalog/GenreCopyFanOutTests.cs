using Catalog.Domain;
using Catalog.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The genre copy writer on its own, on real DynamoDB Local, with every request it sends watched: a rename's fan-out
/// writes its copies several at a time from the message's name and version, re-reading nothing unless a copy's guard
/// refuses, and then only that copy's sources.
/// </summary>
public sealed class GenreCopyFanOutTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private const string Genre = "fan-out";

    private DynamoDbOptions _tables = null!;
    private IHost _host = null!;

    private GenreCopyWriter Writer => _host.Services.GetRequiredService<GenreCopyWriter>();

    private DynamoRequests Requests { get; set; } = null!;

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
        var fanOut = _host.Services.GetRequiredService<IOptions<DynamoDbOptions>>().Value.FanOutConcurrency;
        Assert.InRange(Requests.MostInFlight("PutItem"), 2, fanOut);
    }

    [Fact]
    public async Task A_late_rename_never_regresses_a_copy_and_re_reads_only_the_sources_of_the_copies_it_was_refused()
    {
        var authorId = await WriteAuthorAsync("Second", version: 2, books: 20);
        await RenameAsync(authorId, "Third", version: 3);
        await Writer.RefreshAuthorAsync(new Author(authorId, "Third", 3), Ct);
        var unchanged = await AddBooksAsync(authorId, from: 20, count: 5); // no copy yet: the late message writes theirs
        Requests.Clear();

        await Writer.RefreshAuthorAsync(new Author(authorId, "Second", 2), Ct);

        var copies = await TableItems.GenreCopiesAsync(_tables);
        Assert.Equal(25, copies.Count);
        var byName = copies.ToLookup(c => (c[Attributes.AuthorName].S, c[Attributes.AuthorVersion].N));
        Assert.Equal(20, byName[("Third", "3")].Count());
        Assert.Equal(unchanged.Order(), byName[("Second", "2")].Select(c => c[Attributes.BookId].S).Order());
        // Each refused copy reads its book (by title) and its author again, once: 20 copies, 40 reads.
        Assert.Equal(40, Requests.Operations.Count(o => o == "GetItem"));
    }

    [Fact]
    public async Task A_new_book_is_copied_from_its_message_reading_only_the_author()
    {
        var authorId = await WriteAuthorAsync("Author", version: 1, books: 0);
        var book = new Book(Ids.New(), authorId, "Fresh", Genre, 12.5m, 1);
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
        var added = new Book(Ids.New(), authorId, "Priced", Genre, 10m, 1);
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
        var books = Enumerable.Range(from, count).Select(i => new Book(Ids.New(), authorId, $"Volume {i:D3}", Genre, 5m + i, 1)).ToList();
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
