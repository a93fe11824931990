using Amazon.DynamoDBv2;
using Catalog.Worker;
using Microsoft.Extensions.Options;

namespace Microservices.Tests.Catalog;

/// <summary>
/// The book count's writer against real DynamoDB Local, handed the messages in the orders a bus can deliver them:
/// twice, late, all at once. The count must be exact every time, and a book must cost the same requests whether its
/// author has one book or hundreds.
/// </summary>
public sealed class BookCountWriterTests(DynamoDbLocalFixture dynamo) : IAsyncLifetime
{
    private DynamoDbOptions _tables = null!;
    private AmazonDynamoDBClient _client = null!;
    private ServiceProvider _services = null!;
    private BookCountWriter _writer = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _tables = await dynamo.CreateTablesAsync("bookcount");
        _client = DynamoDbLocalFixture.CreateClient(_tables);
        _services = new ServiceCollection().AddSingleton<IAmazonDynamoDB>(_client).BuildServiceProvider();
        _writer = new BookCountWriter(_client, Options.Create(_tables));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _client.Dispose();
    }

    [Fact]
    public async Task Every_message_delivered_twice_counts_each_book_once()
    {
        var authorId = Ids.New();
        var books = Enumerable.Range(0, 3).Select(_ => Ids.New()).ToList();

        for (var twice = 0; twice < 2; twice++)
        {
            await _writer.AuthorRegisteredAsync(authorId, Cancellation);
            foreach (var bookId in books)
            {
                await _writer.BookAddedAsync(authorId, bookId, 1, Cancellation);
            }

            await _writer.BookDeletedAsync(authorId, books[0], 2, Cancellation);
        }

        Assert.Equal(2, await CountAsync(authorId));
        Assert.Equal(CountStates.Removed, (await MarkerAsync(authorId, books[0]))![Attributes.CountState].S);
        Assert.Equal("2", (await MarkerAsync(authorId, books[0]))![Attributes.BookVersion].N);
        foreach (var bookId in books.Skip(1))
        {
            Assert.Equal(CountStates.Counted, (await MarkerAsync(authorId, bookId))![Attributes.CountState].S);
        }
    }

    [Fact]
    public async Task A_book_added_delivered_after_its_book_deleted_is_never_counted()
    {
        var authorId = Ids.New();
        var (kept, deleted) = (Ids.New(), Ids.New());
        // Everything in reverse: the deletion first, the author's registration last.
        await _writer.BookDeletedAsync(authorId, deleted, 2, Cancellation);
        await _writer.BookAddedAsync(authorId, kept, 1, Cancellation);
        await _writer.BookAddedAsync(authorId, deleted, 1, Cancellation);
        await _writer.AuthorRegisteredAsync(authorId, Cancellation);

        Assert.Equal(1, await CountAsync(authorId));
        Assert.Equal(CountStates.Removed, (await MarkerAsync(authorId, deleted))![Attributes.CountState].S);
    }

    [Fact]
    public async Task Many_books_added_at_once_to_one_author_each_twice_are_counted_exactly()
    {
        var authorId = Ids.New();
        await _writer.AuthorRegisteredAsync(authorId, Cancellation);
        var books = Enumerable.Range(0, 40).Select(_ => Ids.New()).ToList();
        var deleted = books.Take(10).ToList();

        // Every add twice and a quarter of the books deleted, all at once: adds race adds, and deletes race their adds.
        await Task.WhenAll(books.Concat(books).Select(b => Task.Run(() => _writer.BookAddedAsync(authorId, b, 1, Cancellation), Cancellation))
            .Concat(deleted.Select(b => Task.Run(() => _writer.BookDeletedAsync(authorId, b, 2, Cancellation), Cancellation))));

        Assert.Equal(30, await CountAsync(authorId));
        foreach (var bookId in books)
        {
            var expected = deleted.Contains(bookId) ? CountStates.Removed : CountStates.Counted;
            Assert.Equal(expected, (await MarkerAsync(authorId, bookId))![Attributes.CountState].S);
        }
    }

    [Fact]
    public async Task A_deleted_author_gets_no_count_back_from_messages_that_arrive_after_its_deletion()
    {
        var authorId = Ids.New();
        var (early, late) = (Ids.New(), Ids.New());
        await _writer.AuthorRegisteredAsync(authorId, Cancellation);
        await _writer.BookAddedAsync(authorId, early, 1, Cancellation);
        await _writer.BookDeletedAsync(authorId, early, 2, Cancellation);
        await _writer.AuthorDeletedAsync(authorId, 2, Cancellation);
        Assert.Null(await GetAsync(Keys.AuthorStats(authorId)));

        // Late and duplicate messages: a registration, and a book whose add and deletion both come after the author's.
        await _writer.AuthorRegisteredAsync(authorId, Cancellation);
        await _writer.BookAddedAsync(authorId, late, 1, Cancellation);
        await _writer.BookDeletedAsync(authorId, late, 2, Cancellation);
        await _writer.AuthorDeletedAsync(authorId, 2, Cancellation);

        Assert.Null(await GetAsync(Keys.AuthorStats(authorId)));
        Assert.NotNull(await GetAsync(Keys.BookCountClosed(authorId)));
        Assert.Equal(CountStates.Removed, (await MarkerAsync(authorId, late))![Attributes.CountState].S);
    }

    [Fact]
    public async Task Adding_a_book_sends_the_same_requests_at_300_books_as_at_1()
    {
        var authorId = Ids.New();
        await _writer.AuthorRegisteredAsync(authorId, Cancellation);
        var requests = DynamoRequests.Watch(_services);

        requests.Clear();
        await _writer.BookAddedAsync(authorId, Ids.New(), 1, Cancellation);
        var first = Shapes(requests);
        for (var i = 0; i < 298; i++)
        {
            await _writer.BookAddedAsync(authorId, Ids.New(), 1, Cancellation);
        }

        requests.Clear();
        await _writer.BookAddedAsync(authorId, Ids.New(), 1, Cancellation);
        var at300 = Shapes(requests);

        Assert.Equal(300, await CountAsync(authorId));
        // One transaction of three items (the marker, the count, the closed check): nothing is read but those items.
        Assert.Equal(["TransactWriteItems:3"], first);
        Assert.Equal(first, at300);
    }

    [Fact]
    public async Task Deleting_a_book_sends_the_same_requests_at_300_books_as_at_1()
    {
        var authorId = Ids.New();
        var books = Enumerable.Range(0, 300).Select(_ => Ids.New()).ToList();
        await _writer.BookAddedAsync(authorId, books[0], 1, Cancellation);
        var requests = DynamoRequests.Watch(_services);

        requests.Clear();
        await _writer.BookDeletedAsync(authorId, books[0], 2, Cancellation);
        var first = Shapes(requests);
        foreach (var bookId in books.Skip(1))
        {
            await _writer.BookAddedAsync(authorId, bookId, 1, Cancellation);
        }

        requests.Clear();
        await _writer.BookDeletedAsync(authorId, books[^1], 2, Cancellation);
        var at300 = Shapes(requests);

        Assert.Equal(298, await CountAsync(authorId));
        Assert.Equal(["TransactWriteItems:3"], first);
        Assert.Equal(first, at300);
    }

    /// <summary>Each request as its operation and the number of items it names.</summary>
    private static List<string> Shapes(DynamoRequests requests) =>
    [
        .. requests.Sent.Select(r => r switch
        {
            TransactWriteItemsRequest t => $"TransactWriteItems:{t.TransactItems.Count}",
            GetItemRequest => "GetItem:1",
            _ => r.GetType().Name,
        }),
    ];

    private async Task<int> CountAsync(string authorId) =>
        int.Parse((await GetAsync(Keys.AuthorStats(authorId)))![Attributes.BookCount].N, System.Globalization.CultureInfo.InvariantCulture);

    private Task<Dictionary<string, AttributeValue>?> MarkerAsync(string authorId, string bookId) => GetAsync(Keys.BookCountMarker(authorId, bookId));

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(ItemKey key)
    {
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, Cancellation);
        return response.Item is { Count: > 0 } item ? item : null;
    }
}
