using Microservices.Benchmarks.Harness;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 1: each command kind and each GET through HTTP against the raw SDK sending the very requests it sent,
/// to the mirror table in the same state. Also the fixture (an author with 50 books, their genre copies, a client
/// with numbers, addresses and orders) that benchmark 3 reads.
/// </summary>
public sealed class CommandOverhead(BenchSystem system, CancellationToken cancellationToken)
{
    private const string Genre = "bench-reads";

    /// <summary>One case: what to prepare before each pair (untimed, mirrored), and the timed call.</summary>
    public sealed record Case(string Name, Func<Task> Setup, Func<Task> Run);

    public Fixture Data { get; private set; } = null!;

    public async Task SeedAsync()
    {
        await system.StartWorkerAsync(cancellationToken);
        var author = await RegisterAuthorAsync();
        var books = new List<string>();
        for (var i = 1; i <= 50; i++)
        {
            var added = await system.Catalog.PostAsync($"/authors/{author}/books", new { title = $"Book {i:D3}", genre = Genre, price = 9.5m + i }, cancellationToken);
            books.Add(added!["bookId"]!.GetValue<string>());
        }

        var client = await RegisterClientAsync("Malin Persson");
        for (var i = 0; i < 3; i++)
        {
            var version = await VersionOfClientAsync(client);
            await system.Clients.PostAsync($"/clients/{client}/addresses", new { street = $"Storgatan {i + 1}", city = "Malmö", postalCode = "211 22", country = "Sweden", expectedVersion = version }, cancellationToken);
        }

        string order = "";
        for (var i = 0; i < 10; i++)
        {
            order = (await PlaceOrderAsync(client, author, books[i])).OrderId;
        }

        await Until(async () => (await system.Catalog.GetAsync($"/genres/{Genre}/books?limit=100", cancellationToken))!["items"]!.AsArray().Count == 50, "the 50 genre copies");
        // The order commands place their orders for a client of their own, so the fixture's client keeps its ten.
        var buyer = await RegisterClientAsync("Order Commands");
        await system.StopWorkerAsync(cancellationToken);
        system.ApiRequests.Take();
        await system.CopyToMirrorAsync(cancellationToken);
        Data = new Fixture(author, books[0], "Book 001", Genre, client, "Malin Persson", order, buyer);
    }

    public IReadOnlyList<Case> Reads() =>
    [
        Get("GetAuthor (50 books)", system.Catalog, $"/authors/{Data.AuthorId}"),
        Get("ListAuthorBooks", system.Catalog, $"/authors/{Data.AuthorId}/books"),
        Get("GetBookByTitle", system.Catalog, $"/authors/{Data.AuthorId}/books/by-title/{Uri.EscapeDataString(Data.Title)}"),
        Get("ListAuthors", system.Catalog, "/authors"),
        Get("ListGenreBooks (50 copies)", system.Catalog, $"/genres/{Data.Genre}/books"),
        Get("GetClient", system.Clients, $"/clients/{Data.ClientId}"),
        Get("FindClientsByName", system.Clients, $"/clients?name={Uri.EscapeDataString(Data.ClientName)}"),
        Get("FilterPhones", system.Clients, $"/clients/{Data.ClientId}/phones?contains=070"),
        Get("GetOrder", system.Orders, $"/clients/{Data.ClientId}/orders/{Data.OrderId}"),
        Get("ListClientOrders", system.Orders, $"/clients/{Data.ClientId}/orders"),
        Get("ListOrdersByStatus", system.Orders, "/orders?status=placed"),
    ];

    public IReadOnlyList<Case> Commands()
    {
        string author = "", book = "", client = "", address = "", order = "";
        Task Nothing() => Task.CompletedTask;
        async Task NewAuthor() => author = await RegisterAuthorAsync();
        async Task NewBook()
        {
            await NewAuthor();
            book = (await system.Catalog.PostAsync($"/authors/{author}/books", new { title = "Setup", genre = "setup", price = 5m }, cancellationToken))!["bookId"]!.GetValue<string>();
        }

        async Task NewClient() => client = await RegisterClientAsync("Setup Client");
        async Task NewOrder() => order = (await PlaceOrderAsync(Data.BuyerId, Data.AuthorId, Data.BookId)).OrderId;
        async Task NewPaidOrder()
        {
            await NewOrder();
            await system.Orders.PostAsync($"/clients/{Data.BuyerId}/orders/{order}/pay", new { expectedVersion = 1 }, cancellationToken);
        }

        return
        [
            new("RegisterAuthor", Nothing, () => RegisterAuthorAsync()),
            new("RenameAuthor", NewAuthor, () => system.Catalog.PutAsync($"/authors/{author}/name", new { name = "Renamed", expectedVersion = 1 }, cancellationToken)),
            new("DeleteAuthor", NewAuthor, () => system.Catalog.DeleteAsync($"/authors/{author}?expectedVersion=1", cancellationToken)),
            new("AddBook", NewAuthor, () => system.Catalog.PostAsync($"/authors/{author}/books", new { title = "Added", genre = "bench", price = 12.5m }, cancellationToken)),
            new("ChangeBookPrice", NewBook, () => system.Catalog.PutAsync($"/authors/{author}/books/{book}/price", new { price = 7.25m, expectedVersion = 1 }, cancellationToken)),
            new("ChangeBookGenre", NewBook, () => system.Catalog.PutAsync($"/authors/{author}/books/{book}/genre", new { genre = "other", expectedVersion = 1 }, cancellationToken)),
            new("RetitleBook", NewBook, () => system.Catalog.PutAsync($"/authors/{author}/books/{book}/title", new { title = "Retitled", expectedVersion = 1 }, cancellationToken)),
            new("DeleteBook", NewBook, () => system.Catalog.DeleteAsync($"/authors/{author}/books/{book}?expectedVersion=1", cancellationToken)),
            new("RegisterClient", Nothing, () => RegisterClientAsync("New Client")),
            new("ChangeClientDetails", NewClient, () => system.Clients.PutAsync($"/clients/{client}/details", new { name = "Changed Name", email = "changed@example.se", expectedVersion = 1 }, cancellationToken)),
            new("SetPhone", NewClient, () => system.Clients.PutAsync($"/clients/{client}/phones/work", new { number = "+46709998877", expectedVersion = 1 }, cancellationToken)),
            new("RemovePhone", NewClient, () => system.Clients.DeleteAsync($"/clients/{client}/phones/mobile?expectedVersion=1", cancellationToken)),
            new("AddAddress", NewClient, () => system.Clients.PostAsync($"/clients/{client}/addresses", new { street = "Lilla Torg 1", city = "Malmö", postalCode = "211 34", country = "Sweden", expectedVersion = 1 }, cancellationToken)),
            new("RemoveAddress", async () =>
            {
                await NewClient();
                address = (await system.Clients.PostAsync($"/clients/{client}/addresses", new { street = "Lilla Torg 1", city = "Malmö", postalCode = "211 34", country = "Sweden", expectedVersion = 1 }, cancellationToken))!["addressId"]!.GetValue<string>();
            }, () => system.Clients.DeleteAsync($"/clients/{client}/addresses/{address}?expectedVersion=2", cancellationToken)),
            new("PlaceOrder", Nothing, () => PlaceOrderAsync(Data.BuyerId, Data.AuthorId, Data.BookId)),
            new("PayOrder", NewOrder, () => system.Orders.PostAsync($"/clients/{Data.BuyerId}/orders/{order}/pay", new { expectedVersion = 1 }, cancellationToken)),
            new("ShipOrder", NewPaidOrder, () => system.Orders.PostAsync($"/clients/{Data.BuyerId}/orders/{order}/ship", new { expectedVersion = 2 }, cancellationToken)),
            new("CancelOrder", NewOrder, () => system.Orders.PostAsync($"/clients/{Data.BuyerId}/orders/{order}/cancel", new { expectedVersion = 1 }, cancellationToken)),
        ];
    }

    /// <summary>Pairs of the case, interleaved: setup (mirrored, untimed), the system through HTTP, then its own requests raw.</summary>
    public async Task<Comparison> MeasureAsync(Case c, int pairs)
    {
        ArgumentNullException.ThrowIfNull(c);
        system.ApiRequests.Take();
        var (systemTimes, rawTimes) = await Interleaving.RunAsync(
            pairs,
            async _ =>
            {
                await c.Setup();
                await system.SyncMirrorAsync(cancellationToken);
            },
            _ => c.Run(),
            _ => RequestLog.ReplayAsync(system.Raw, system.ApiRequests.Take(), system.Tables.TableName, system.Mirror.TableName, cancellationToken));
        return new Comparison(c.Name, Summary.Of(systemTimes), Summary.Of(rawTimes));
    }

    private Case Get(string name, ApiClient api, string path) => new(name, () => Task.CompletedTask, () => api.GetAsync(path, cancellationToken));

    private async Task<string> RegisterAuthorAsync() =>
        (await system.Catalog.PostAsync("/authors", new { name = "Ursula K. Le Guin" }, cancellationToken))!["authorId"]!.GetValue<string>();

    private async Task<string> RegisterClientAsync(string name) =>
        (await system.Clients.PostAsync("/clients", new { name, email = "malin@example.se", phones = new Dictionary<string, string> { ["mobile"] = "+46701234567" } }, cancellationToken))!["clientId"]!.GetValue<string>();

    private async Task<(string OrderId, long Version)> PlaceOrderAsync(string client, string author, string book)
    {
        var placed = await system.Orders.PostAsync($"/clients/{client}/orders", new { lines = new[] { new { authorId = author, bookId = book, quantity = 1 } } }, cancellationToken);
        return (placed!["orderId"]!.GetValue<string>(), placed["version"]!.GetValue<long>());
    }

    private async Task<long> VersionOfClientAsync(string client) =>
        (await system.Clients.GetAsync($"/clients/{client}", cancellationToken))!["version"]!.GetValue<long>();

    private async Task Until(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 2 minutes for {what}.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public sealed record Fixture(string AuthorId, string BookId, string Title, string Genre, string ClientId, string ClientName, string OrderId, string BuyerId);
}
