using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ops.Soak;

/// <summary>
/// The soak's randomised commands over HTTP, across the Catalog, Clients and Orders APIs. One seeded
/// <see cref="Random"/> draws every command and its target, so a seed fixes the sequence of commands; with several in
/// flight the interleaving is the machine's. Pools of authors, books, clients and orders that grow slowly keep the
/// same items hot, and a share of the draws are deliberate conflicts (several changes of one item from one expected version) and
/// races across services (an order placed while its client is renamed; a book added while its author is renamed).
/// </summary>
public sealed class Workload : IDisposable
{
    private static readonly string[] Genres = ["fantasy", "science-fiction", "children", "crime", "poetry"];
    private static readonly string[] PhoneTypes = ["mobile", "home", "work"];
    private const int BooksPerAuthor = 8;
    private const int OrdersPerClient = 8;

    /// <summary>Open orders <see cref="SeedAsync"/> places, so that paying, shipping and cancelling are in the mix from the start.</summary>
    private const int SeededOrders = 3;

    /// <summary>The most creates <see cref="SeedAsync"/> sends before it gives up (the pools need 14 answered).</summary>
    private const int SeedAttempts = 100;

    private readonly object _model = new();
    private readonly Random _random;
    private readonly int _total;
    private readonly HttpClient _catalog;
    private readonly HttpClient _clients;
    private readonly HttpClient _orders;
    private readonly List<Author> _authors = [];
    private readonly List<Book> _books = [];
    private readonly List<Client> _clientPool = [];
    private readonly List<Order> _openOrders = [];
    private readonly ConcurrentDictionary<(string Command, string Outcome), long> _outcomes = new();
    private readonly AcceptedWrites _writes = new();
    private int _issued;
    private int _seeded;
    private int _warmUp;
    private int _completed;
    private int _names;
    private int _ordersPlaced;
    private int _conflicting;
    private int _races;
    private int _burstsAcceptedMoreThanOnce;

    public Workload(SoakSystem system, int seed, int commands)
    {
        ArgumentNullException.ThrowIfNull(system);
        _random = new Random(seed);
        _total = commands;
        _catalog = new HttpClient { BaseAddress = system.Catalog };
        _clients = new HttpClient { BaseAddress = system.Clients };
        _orders = new HttpClient { BaseAddress = system.Orders };
        foreach (var http in new[] { _catalog, _clients, _orders })
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", system.StaffToken);
        }
    }

    /// <summary>Commands answered so far (any answer, or none: a failed connection counts too).</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Commands in all: the arrivals, and the seeding and warm-up before them.</summary>
    public int Total => _total + Volatile.Read(ref _seeded) + Volatile.Read(ref _warmUp);

    /// <summary>Creates sent by <see cref="SeedAsync"/>, before the arrivals.</summary>
    public int Seeded => Volatile.Read(ref _seeded);

    /// <summary>Every accepted command sent at an expected version, with the version answered: lost updates must stay 0.</summary>
    public AcceptedWrites Writes => _writes;

    /// <summary>Commands sent in bursts that change one item from one expected version.</summary>
    public int ConflictingCommands => Volatile.Read(ref _conflicting);

    /// <summary>
    /// Conflict bursts of which more than one command was accepted: what counting acceptances alone calls lost
    /// updates. Without a lost update, all but one of them were answered at the version they expected (no change).
    /// </summary>
    public int BurstsAcceptedMoreThanOnce => Volatile.Read(ref _burstsAcceptedMoreThanOnce);

    /// <summary>Races sent: commands of different services, or a create and a change, on the same data at once.</summary>
    public int Races => Volatile.Read(ref _races);

    /// <summary>How each command was answered: accepted (2xx), conflict (409), not-found (404), refused (other 4xx), failed (5xx, no answer).</summary>
    public IReadOnlyDictionary<(string Command, string Outcome), long> Outcomes => _outcomes;

    /// <summary>Closed loop: <paramref name="concurrency"/> senders, each sending its next step when its last is answered.</summary>
    public async Task<Arrivals> RunAsync(int concurrency, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(cancellationToken), cancellationToken)));
        return new Arrivals("closed", null, concurrency, Math.Round(_issued / clock.Elapsed.TotalSeconds, 1), concurrency, concurrency, 0, Seeded, 0);
    }

    /// <summary>
    /// Fills the pools before the arrivals, one create at a time and unmeasured: the authors, clients and books the
    /// draws need before they make the normal mix (the creates <see cref="Draw"/> would otherwise send first), and a
    /// few open orders. An open loop seeded this way sends the normal mix from its first arrival, instead of a burst
    /// of creates as fast as its rate (which made DynamoDB Local answer 500s, "timed out waiting for a lock").
    /// Returns the creates sent, answered or not; they count in the outcomes, not in the arrivals.
    /// </summary>
    public async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < SeedAttempts; sent++)
        {
            Func<CancellationToken, Task>? create;
            lock (_model)
            {
                create = PoolMinimum() ?? SeedOrder();
            }

            if (create is null)
            {
                return sent;
            }

            Interlocked.Increment(ref _seeded);
            await create(cancellationToken);
        }

        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"The soak's pools were not filled after {SeedAttempts} creates ({_authors.Count} authors, {_clientPool.Count} clients, {_books.Count} books, {_openOrders.Count} open orders): is every API answering?"));
    }

    /// <summary>
    /// Open loop: the step that brings the commands sent to n is sent at n / <paramref name="rate"/> seconds, whether
    /// the earlier ones are answered or not (a step late for its time is sent at once, so a slow system does not slow
    /// the arrivals). Only when <paramref name="inFlightCap"/> commands are unanswered does the next arrival wait for
    /// an answer; the summary says how often that happened.
    /// </summary>
    public Task<Arrivals> RunAtRateAsync(double rate, int inFlightCap, CancellationToken cancellationToken) =>
        ArriveAsync(rate, inFlightCap, _total, cancellationToken);

    /// <summary>
    /// Before <see cref="RunAtRateAsync"/>: the open loop at <paramref name="rate"/> for <paramref name="duration"/>,
    /// its commands on top of the arrivals asked for. Every process starts cold (a minute of JIT compiling on two
    /// cores); what the caller measures after it has seen warm code.
    /// </summary>
    public async Task<int> WarmUpAsync(double rate, int inFlightCap, TimeSpan duration, CancellationToken cancellationToken)
    {
        var commands = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        Interlocked.Add(ref _warmUp, commands);
        await ArriveAsync(rate, inFlightCap, commands, cancellationToken);
        return commands;
    }

    private async Task<Arrivals> ArriveAsync(double rate, int inFlightCap, int commands, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFlightCap);
        using var slots = new SemaphoreSlim(inFlightCap);
        var steps = new List<Task>();
        int first;
        lock (_model)
        {
            first = _issued;
        }

        var clock = Stopwatch.StartNew();
        var (capWaits, maxInFlight, sentBeforeLast, lastAt) = (0, 0, 0, TimeSpan.Zero);
        while (true)
        {
            int sent;
            lock (_model)
            {
                sent = _issued - first;
            }

            if (sent >= commands)
            {
                break;
            }

            var due = TimeSpan.FromSeconds(sent / rate) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            if (slots.CurrentCount == 0)
            {
                capWaits++;
            }

            await slots.WaitAsync(cancellationToken);
            maxInFlight = Math.Max(maxInFlight, inFlightCap - slots.CurrentCount);
            Func<CancellationToken, Task> step;
            lock (_model)
            {
                step = Draw();
            }

            (sentBeforeLast, lastAt) = (sent, clock.Elapsed);
            steps.Add(Task.Run(async () =>
            {
                try
                {
                    await step(cancellationToken);
                }
                finally
                {
                    slots.Release();
                }
            }, cancellationToken));
        }

        var achieved = lastAt > TimeSpan.Zero ? sentBeforeLast / lastAt.TotalSeconds : 0;
        await Task.WhenAll(steps);
        return new Arrivals("open", rate, null, Math.Round(achieved, 1), inFlightCap, maxInFlight, capWaits, Seeded, Volatile.Read(ref _warmUp));
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _clients.Dispose();
        _orders.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Func<CancellationToken, Task>? step;
            lock (_model)
            {
                step = _issued >= _total ? null : Draw();
            }

            if (step is null)
            {
                return;
            }

            await step(cancellationToken);
        }
    }

    /// <summary>The next step, drawn under the model's lock; it reserves the commands it will send.</summary>
    private Func<CancellationToken, Task> Draw()
    {
        if (PoolMinimum() is { } create)
        {
            return Reserve(1, create);
        }

        var roll = _random.Next(100);
        switch (roll)
        {
            // The pools grow with the workload, so that the fan-out of one change stays bounded: a new author once
            // authors have eight books each on average, a new client once clients have eight orders each.
            case < 4 when _books.Count > BooksPerAuthor * _authors.Count:
                return Reserve(1, RegisterAuthor);
            case < 14:
            {
                var (author, name) = (Pick(_authors), NextName("Author"));
                var version = author.Version;
                return Reserve(1, ct => RenameAuthor(author, version, name, ct));
            }

            case < 24:
            {
                var author = Pick(_authors);
                return Reserve(1, ct => AddBook(author, ct));
            }

            case < 32:
            {
                var book = Pick(_books);
                var (version, price) = (book.Version, Price());
                return Reserve(1, ct => ChangePrice(book, version, price, ct));
            }

            case < 37:
            {
                var book = Pick(_books);
                var (version, genre) = (book.Version, Pick(Genres));
                return Reserve(1, ct => BookCommand("change-genre", book, HttpMethod.Put, "genre", new { genre, expectedVersion = version }, version, ct));
            }

            case < 40:
            {
                var book = Pick(_books);
                var (version, title) = (book.Version, NextName("Title"));
                return Reserve(1, ct => BookCommand("retitle-book", book, HttpMethod.Put, "title", new { title, expectedVersion = version }, version, ct));
            }

            case < 42 when _books.Count > 10:
            {
                var book = Pick(_books);
                _books.Remove(book);
                var version = book.Version;
                return Reserve(1, ct => DeleteBook(book, version, ct));
            }

            case < 47 when _ordersPlaced > OrdersPerClient * _clientPool.Count:
                return Reserve(1, RegisterClient);
            case < 57:
            {
                var client = Pick(_clientPool);
                var (version, name) = (client.Version, NextName("Client"));
                return Reserve(1, ct => ChangeDetails(client, version, name, ct));
            }

            case < 61:
            {
                var client = Pick(_clientPool);
                var (version, type, number) = (client.Version, Pick(PhoneTypes), PhoneNumber());
                return Reserve(1, ct => Send("set-phone", _clients, HttpMethod.Put, $"/clients/{client.Id}/phones/{type}",
                    new { number, expectedVersion = version }, client, version, ct));
            }

            case < 75:
            {
                var (client, lines) = (Pick(_clientPool), Lines());
                return Reserve(1, ct => PlaceOrder(client, lines, ct));
            }

            case < 83 when _openOrders.Count > 0:
            {
                var order = Pick(_openOrders);
                var verb = order.Status == "placed" ? (_random.Next(4) == 0 ? "cancel" : "pay") : (_random.Next(4) == 0 ? "cancel" : "ship");
                _openOrders.Remove(order);
                var version = order.Version;
                return Reserve(1, ct => AdvanceOrder(order, verb, version, ct));
            }

            case < 91:
                return ConflictBurst();
            default:
                return CrossServiceRace();
        }
    }

    /// <summary>
    /// The create the pools need before the draws can make the normal mix (3 authors, 3 clients and 5 books
    /// answered), or null once they hold that. Drawn under the model's lock.
    /// </summary>
    private Func<CancellationToken, Task>? PoolMinimum()
    {
        if (_authors.Count < 3)
        {
            return RegisterAuthor;
        }

        if (_clientPool.Count < 3)
        {
            return RegisterClient;
        }

        if (_books.Count < 5)
        {
            var author = Pick(_authors);
            return ct => AddBook(author, ct);
        }

        return null;
    }

    /// <summary>An order for the seeding, until <see cref="SeededOrders"/> are open; else null. Drawn under the model's lock.</summary>
    private Func<CancellationToken, Task>? SeedOrder()
    {
        if (_openOrders.Count >= SeededOrders)
        {
            return null;
        }

        var (client, lines) = (Pick(_clientPool), Lines());
        return ct => PlaceOrder(client, lines, ct);
    }

    /// <summary>Two or three changes of one item sent at once from the same expected version: one may win, the rest get 409.</summary>
    private Func<CancellationToken, Task> ConflictBurst()
    {
        var count = 2 + _random.Next(2);
        Func<CancellationToken, Task<JsonElement?>>[] changes;
        switch (_random.Next(3))
        {
            case 0:
            {
                var author = Pick(_authors);
                var version = author.Version;
                changes = [.. Enumerable.Range(0, count).Select(_ => NextName("Author"))
                    .Select(name => (Func<CancellationToken, Task<JsonElement?>>)(ct => RenameAuthor(author, version, name, ct)))];
                break;
            }

            case 1:
            {
                var book = Pick(_books);
                var version = book.Version;
                changes = [.. Enumerable.Range(0, count).Select(_ => Price())
                    .Select(price => (Func<CancellationToken, Task<JsonElement?>>)(ct => ChangePrice(book, version, price, ct)))];
                break;
            }

            default:
            {
                var client = Pick(_clientPool);
                var version = client.Version;
                changes = [.. Enumerable.Range(0, count).Select(_ => NextName("Client"))
                    .Select(name => (Func<CancellationToken, Task<JsonElement?>>)(ct => ChangeDetails(client, version, name, ct)))];
                break;
            }
        }

        // Which of them were accepted, and at which versions, is in the accepted writes (Send), as for every command.
        return Reserve(count, async ct =>
        {
            Interlocked.Add(ref _conflicting, changes.Length);
            if ((await Task.WhenAll(changes.Select(change => change(ct)))).Count(answer => answer is not null) > 1)
            {
                Interlocked.Increment(ref _burstsAcceptedMoreThanOnce);
            }
        });
    }

    /// <summary>Commands of different services (or different items) that touch the same data, sent at once.</summary>
    private Func<CancellationToken, Task> CrossServiceRace()
    {
        Interlocked.Increment(ref _races);
        switch (_random.Next(3))
        {
            case 0:
            {
                // The order copies the client's name while the name changes.
                var (client, lines, name) = (Pick(_clientPool), Lines(), NextName("Client"));
                var version = client.Version;
                return Reserve(2, ct => Task.WhenAll(PlaceOrder(client, lines, ct), ChangeDetails(client, version, name, ct)));
            }

            case 1:
            {
                // The genre copy of a new book takes the author's name while the author is renamed.
                var (author, name) = (Pick(_authors), NextName("Author"));
                var version = author.Version;
                return Reserve(2, ct => Task.WhenAll(AddBook(author, ct), RenameAuthor(author, version, name, ct)));
            }

            default:
            {
                // Create versus change: a new client orders and is renamed at once, before any copy of it exists.
                var (lines, name) = (Lines(), NextName("Client"));
                return Reserve(3, async ct =>
                {
                    if (await RegisterClientAsync(ct) is { } client)
                    {
                        await Task.WhenAll(PlaceOrder(client, lines, ct), ChangeDetails(client, client.Version, name, ct));
                    }
                    else
                    {
                        Interlocked.Add(ref _completed, 2);
                    }
                });
            }
        }
    }

    private Func<CancellationToken, Task> Reserve(int commands, Func<CancellationToken, Task> step)
    {
        _issued += commands;
        return step;
    }

    private async Task RegisterAuthor(CancellationToken cancellationToken)
    {
        var name = NextName("Author");
        if (await Send("register-author", _catalog, HttpMethod.Post, "/authors", new { name }, null, null, cancellationToken) is { } created)
        {
            lock (_model)
            {
                _authors.Add(new Author(created.GetProperty("authorId").GetString()!) { Version = Version(created) });
            }
        }
    }

    private Task<JsonElement?> RenameAuthor(Author author, long expectedVersion, string name, CancellationToken cancellationToken) =>
        Send("rename-author", _catalog, HttpMethod.Put, $"/authors/{author.Id}/name", new { name, expectedVersion }, author, expectedVersion, cancellationToken);

    private async Task AddBook(Author author, CancellationToken cancellationToken)
    {
        string title, genre;
        decimal price;
        lock (_model)
        {
            (title, genre, price) = (NextName("Title"), Pick(Genres), Price());
        }

        if (await Send("add-book", _catalog, HttpMethod.Post, $"/authors/{author.Id}/books", new { title, genre, price }, null, null, cancellationToken) is { } added)
        {
            lock (_model)
            {
                _books.Add(new Book(author.Id, added.GetProperty("bookId").GetString()!) { Version = Version(added) });
            }
        }
    }

    private Task<JsonElement?> ChangePrice(Book book, long expectedVersion, decimal price, CancellationToken cancellationToken) =>
        BookCommand("change-price", book, HttpMethod.Put, "price", new { price, expectedVersion }, expectedVersion, cancellationToken);

    private Task<JsonElement?> BookCommand(
        string command, Book book, HttpMethod method, string path, object body, long expectedVersion, CancellationToken cancellationToken) =>
        Send(command, _catalog, method, $"/authors/{book.AuthorId}/books/{book.Id}/{path}", body, book, expectedVersion, cancellationToken);

    private async Task DeleteBook(Book book, long expectedVersion, CancellationToken cancellationToken)
    {
        var deleted = await Send("delete-book", _catalog, HttpMethod.Delete,
            $"/authors/{book.AuthorId}/books/{book.Id}?expectedVersion={expectedVersion}", null, book, expectedVersion, cancellationToken);
        if (deleted is null)
        {
            lock (_model)
            {
                // Not deleted (a newer change got there first): it stays in play.
                _books.Add(book);
            }
        }
    }

    private Task RegisterClient(CancellationToken cancellationToken) => RegisterClientAsync(cancellationToken);

    private async Task<Client?> RegisterClientAsync(CancellationToken cancellationToken)
    {
        string name, number;
        lock (_model)
        {
            (name, number) = (NextName("Client"), PhoneNumber());
        }

        var email = Email(name);
        var phones = new Dictionary<string, string> { ["mobile"] = number };
        if (await Send("register-client", _clients, HttpMethod.Post, "/clients", new { name, email, phones }, null, null, cancellationToken) is not { } created)
        {
            return null;
        }

        var client = new Client(created.GetProperty("clientId").GetString()!) { Version = Version(created) };
        lock (_model)
        {
            _clientPool.Add(client);
        }

        return client;
    }

    private Task<JsonElement?> ChangeDetails(Client client, long expectedVersion, string name, CancellationToken cancellationToken) =>
        Send("change-client-details", _clients, HttpMethod.Put, $"/clients/{client.Id}/details",
            new { name, email = Email(name), expectedVersion }, client, expectedVersion, cancellationToken);

    private async Task PlaceOrder(Client client, IReadOnlyList<object> lines, CancellationToken cancellationToken)
    {
        if (await Send("place-order", _orders, HttpMethod.Post, $"/clients/{client.Id}/orders", new { lines }, null, null, cancellationToken) is { } placed)
        {
            lock (_model)
            {
                _openOrders.Add(new Order(client.Id, placed.GetProperty("orderId").GetString()!) { Version = Version(placed), Status = "placed" });
                _ordersPlaced++;
            }
        }
    }

    private async Task AdvanceOrder(Order order, string verb, long expectedVersion, CancellationToken cancellationToken)
    {
        var answer = await Send($"{verb}-order", _orders, HttpMethod.Post, $"/clients/{order.ClientId}/orders/{order.Id}/{verb}", new { expectedVersion }, order, expectedVersion, cancellationToken);
        lock (_model)
        {
            if (answer is { } changed)
            {
                order.Status = changed.GetProperty("status").GetString()!;
            }

            if (order.Status is "placed" or "paid")
            {
                _openOrders.Add(order);
            }
        }
    }

    /// <summary>
    /// Sends one command and counts its answer. Returns the body of a 2xx answer, else null; a 409 teaches the item's
    /// current version, as a client that reloads would learn it. An accepted command sent at an
    /// <paramref name="expectedVersion"/> goes into the accepted writes with the version it was answered at.
    /// </summary>
    private async Task<JsonElement?> Send(
        string command, HttpClient http, HttpMethod method, string path, object? body, Versioned? target, long? expectedVersion,
        CancellationToken cancellationToken)
    {
        string outcome;
        JsonElement? result = null;
        try
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await http.SendAsync(request, cancellationToken);
            var content = response.Content.Headers.ContentLength == 0 ? (JsonElement?)null
                : await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            outcome = (int)response.StatusCode switch
            {
                >= 200 and < 300 => "accepted",
                (int)HttpStatusCode.Conflict => "conflict",
                (int)HttpStatusCode.NotFound => "not-found",
                >= 400 and < 500 => "refused",
                _ => "failed",
            };
            if (outcome == "accepted")
            {
                result = content;
                if (content is { } answer && target is not null)
                {
                    target.Saw(Version(answer));
                    if (expectedVersion is { } expected)
                    {
                        _writes.Accepted(target.Stream, expected, Version(answer));
                    }
                }
            }
            else if (outcome == "conflict" && content is { } problem && problem.TryGetProperty("currentVersion", out var current))
            {
                target?.Saw(current.GetInt64());
            }
        }
        catch (HttpRequestException)
        {
            outcome = "failed";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The HTTP client's own timeout: no answer.
            outcome = "failed";
        }
        catch (JsonException)
        {
            outcome = "failed";
        }

        _outcomes.AddOrUpdate((command, outcome), 1, (_, n) => n + 1);
        Interlocked.Increment(ref _completed);
        return result;
    }

    private static long Version(JsonElement answer) => answer.TryGetProperty("version", out var version) ? version.GetInt64() : 0;

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private string NextName(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix} {++_names:D6}");

    private decimal Price() => Math.Round(5m + (decimal)_random.NextDouble() * 35m, 2);

    private string PhoneNumber() => string.Create(CultureInfo.InvariantCulture, $"070-{_random.Next(100, 999)} {_random.Next(10, 99)} {_random.Next(10, 99)}");

    private static string Email(string name) => name.Replace(' ', '.').ToLowerInvariant() + "@example.com";

    /// <summary>One to three lines of books in play (possibly deleted meanwhile: the Orders API then refuses the order).</summary>
    private object[] Lines() => [.. Enumerable.Range(0, 1 + _random.Next(3)).Select(_ => Pick(_books))
        .DistinctBy(book => book.Id)
        .Select(book => new { authorId = book.AuthorId, bookId = book.Id, quantity = 1 + _random.Next(3) })];

    /// <summary>An item the workload has seen a version of; it remembers the newest.</summary>
    private abstract class Versioned
    {
        private long _version;

        /// <summary>The item's stream, as "{type}-{id}".</summary>
        public abstract string Stream { get; }

        public long Version
        {
            get => Interlocked.Read(ref _version);
            init => _version = value;
        }

        public void Saw(long version)
        {
            long seen;
            while ((seen = Interlocked.Read(ref _version)) < version && Interlocked.CompareExchange(ref _version, version, seen) != seen)
            {
            }
        }
    }

    private sealed class Author(string id) : Versioned
    {
        public string Id { get; } = id;

        public override string Stream => $"author-{Id}";
    }

    private sealed class Book(string authorId, string id) : Versioned
    {
        public string AuthorId { get; } = authorId;

        public string Id { get; } = id;

        public override string Stream => $"book-{Id}";
    }

    private sealed class Client(string id) : Versioned
    {
        public string Id { get; } = id;

        public override string Stream => $"client-{Id}";
    }

    private sealed class Order(string clientId, string id) : Versioned
    {
        public string ClientId { get; } = clientId;

        public string Id { get; } = id;

        public string Status { get; set; } = "placed";

        public override string Stream => $"order-{Id}";
    }
}

/// <summary>
/// How the commands arrived: "closed" (a fixed <paramref name="Concurrency"/> in flight) or "open" (a fixed
/// <paramref name="TargetRate"/> of arrivals a second); the rate achieved (commands a second); the most commands
/// unanswered at once; how many arrivals had to wait because <paramref name="InFlightCap"/> were unanswered; the
/// creates <paramref name="Seeded"/> before the first arrival (the open loop's pools; none in a closed loop); the
/// commands of the open loop's warm-up (<paramref name="WarmedUp"/>), sent before the arrivals and not in their lag.
/// </summary>
public sealed record Arrivals(
    string Mode, double? TargetRate, int? Concurrency, double AchievedRate, int InFlightCap, int MaxInFlight, int CapWaits, int Seeded, int WarmedUp)
{
    /// <summary>Whether the open loop ever held an arrival back: then the rate is not the one asked for.</summary>
    public bool CapReached => CapWaits > 0;
}
