using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Catalog.Domain;
using Microservices.Benchmarks.Harness;
using Microservices.EventSourcing;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmarks 4 and 5, with the relay and the Catalog worker in this process on the in-memory bus: the cost of the
/// n-th book until it is counted, and the fan-out of a rename against the raw ceiling of the worker's own writes.
/// </summary>
public sealed class WorkerBenchmarks(BenchSystem system, SuiteSettings settings, CancellationToken cancellationToken)
{
    private static readonly int[] Concurrencies = [1, 2, 4, 8, 16];

    /// <summary>The rename's place in a round's order of runs, among the raw loop's concurrencies.</summary>
    private const int Rename = 0;

    private const int WarmupBooks = 100;

    private const int WarmupFanOutBooks = 500;

    public async Task AggregatesAsync(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);

        // Warm-up, untimed: the count's path through the relay and the worker, before book 1 is timed against it.
        var warm = await RegisterAsync("Warm-up");
        await Parallel.ForEachAsync(Enumerable.Range(0, WarmupBooks), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => await AddBookAsync(warm, $"Warm-up {i:D3}", ct));
        await UntilAsync(async () => await BookCountAsync(warm) >= WarmupBooks, settings.SettleTimeout);
        await QuietAsync();

        var author = await RegisterAsync("Counted");
        var added = 0;
        foreach (var n in settings.AggregateSizes)
        {
            // Up to n - 1 books, four at a time, then quiet: the count must say n - 1 before the n-th is timed.
            var upTo = n - 1;
            await Parallel.ForEachAsync(Enumerable.Range(added, Math.Max(0, upTo - added)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (i, ct) => await AddBookAsync(author, $"Counted {i:D5}", ct));
            added = Math.Max(added, upTo);
            if (!await UntilAsync(async () => await BookCountAsync(author) >= added, settings.SettleTimeout))
            {
                results.Aggregates.Add(new AggregateRow(n, Summary.Of([double.NaN]), double.NaN, $"the count did not reach {added} within {settings.SettleTimeout.TotalMinutes:N0} min"));
                break;
            }

            // The books' genre copies trail their count: the n-th book is timed, and its requests counted, without them.
            await QuietAsync();

            var times = new List<double>();
            var requests = new List<double>();
            string? note = null;
            for (var s = 0; s < settings.AggregateSamples; s++)
            {
                if (s > 0)
                {
                    await QuietAsync(); // the last sample's genre copy
                }

                var before = system.WorkerRequests!.Count;
                var started = Stopwatch.GetTimestamp();
                await AddBookAsync(author, $"Counted {added:D5}", cancellationToken);
                added++;
                if (!await UntilAsync(async () => await BookCountAsync(author) >= added, settings.SettleTimeout))
                {
                    note = $"book {added} was not counted within {settings.SettleTimeout.TotalMinutes:N0} min";
                    break;
                }

                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                requests.Add(system.WorkerRequests.Count - before);
            }

            if (times.Count == 0)
            {
                results.Aggregates.Add(new AggregateRow(n, Summary.Of([double.NaN]), double.NaN, note));
                break;
            }

            results.Aggregates.Add(new AggregateRow(n, Summary.Of(times), Percentiles.Of(requests, 0.5), note));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  book {n}: p50 {Percentiles.Of(times, 0.5):F1} ms until counted, {Percentiles.Of(requests, 0.5)} worker requests"));
        }
    }

    public async Task FanOutAsync(SuiteResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var watch = new CopyWatch(system.Raw, system.Tables.TableName);
        watch.AttachTo((AmazonServiceClient)WorkerClient());

        // Lag at rest first: single renames of an author with one book, the system otherwise idle.
        var single = await RegisterAsync("Rest 0");
        await AddBookAsync(single, "Only book", cancellationToken);
        await UntilAsync(async () => await BookCountAsync(single) >= 1, settings.SettleTimeout);
        var lags = new List<double>();
        for (var i = 1; i <= 20; i++)
        {
            var name = $"Rest {i}";
            watch.Expect(name);
            var started = Stopwatch.GetTimestamp();
            await system.Catalog.PutAsync($"/authors/{single}/name", new { name, expectedVersion = i }, cancellationToken);
            if (await UntilAsync(() => Task.FromResult(watch.Written >= 1), TimeSpan.FromSeconds(30)))
            {
                lags.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            await Task.Delay(100, cancellationToken);
        }

        results.RestLag = lags.Count > 0 ? Summary.Of(lags) : null;

        // Warm-up, untimed, of both kinds of round: the first fan-out on a fresh server and worker ran at half the rate
        // of the later ones (quick mode: 127 copies/s at 200 books, then 260/s at 1,000), and the first that replaced
        // copies (the server's first conditions met by an item that is there) at 0.52 of the raw passes after it.
        await FanOutRoundsAsync(watch, WarmupFanOutBooks, rounds: 2);

        foreach (var books in settings.FanOutSizes)
        {
            var (row, note) = await FanOutRoundsAsync(watch, books, settings.FanOutRounds);
            if (row is not null)
            {
                results.FanOut.Add(row);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {books} books: {row.CopiesPerSecond:F0} copies/s, first copy after {row.FirstCopyMilliseconds:F0} ms, {row.WritingCopiesPerSecond:F0}/s from the first copy to the last, raw ceiling {row.RawCeiling:F0}/s at {row.BestConcurrency}"));
            }
            else
            {
                results.Skipped[$"fan-out at {books} books"] = note ?? "no round finished";
            }
        }
    }

    /// <summary>
    /// Renames of a new author with <paramref name="books"/> books, each round with the raw loop at every concurrency:
    /// the medians of the rounds, or null and why when no round finished. The order of a round's six runs turns by
    /// one place each round (the rename first, then last, then fifth...): along a round the server kept speeding up
    /// (one round's raw passes ran 262, 369, 456, 497 and 599 copies/s in the order they ran), so a fixed order gave
    /// the rename, always first, the slowest server and the loop at 16, always last, the fastest.
    /// </summary>
    private async Task<(FanOutRow? Row, string? Note)> FanOutRoundsAsync(CopyWatch watch, int books, int rounds)
    {
        var author = await RegisterAsync("Fan 0");
        var seeded = Enumerable.Range(0, books).Select(i => CatalogItems.Book(new Book(Ids.New(), author, $"Fan book {i:D5}", $"fan-{i % 10}", 10m, "EUR", 1))).ToList();
        await Seeding.PutAllAsync(system.Raw, system.Tables.TableName, seeded, cancellationToken);
        var systemRates = new List<double>();
        var firstCopies = new List<double>();
        var writingRates = new List<double>();
        var raw = Concurrencies.ToDictionary(c => c, _ => new List<double>());
        int[] runs = [Rename, .. Concurrencies];
        IReadOnlyList<AmazonWebServiceRequest> writes = [];
        var writesName = "";
        string? note = null;
        for (var round = 1; round <= rounds; round++)
        {
            var name = $"Fan {round}";
            foreach (var run in runs.Skip((round - 1) % runs.Length).Concat(runs.Take((round - 1) % runs.Length)))
            {
                await QuietAsync(); // the seeding's records, the deletes', or the last run's
                if (run != Rename)
                {
                    // The raw loop sends the worker's writes of the latest rename (this round's, or before it in the
                    // round the last round's), with another name in each pass: DynamoDB Local replaces an item with an
                    // identical one cheaply (a second round's raw passes re-sending the system's writes ran up to 1.9
                    // times as fast as the system at the same concurrency).
                    raw[run].Add(await RawPassAsync(writes, writesName, $"{name} raw {run}", run, anew: round == 1));
                    continue;
                }

                watch.Expect(name, capture: true);
                var started = Stopwatch.GetTimestamp();
                await system.Catalog.PutAsync($"/authors/{author}/name", new { name, expectedVersion = round }, cancellationToken);
                if (!await UntilAsync(() => Task.FromResult(watch.Written >= books), settings.SettleTimeout))
                {
                    note = $"{watch.Written} of {books} copies within {settings.SettleTimeout.TotalMinutes:N0} min";
                    break;
                }

                var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
                systemRates.Add(books / elapsed);
                var (first, last) = watch.Answered;
                firstCopies.Add(Stopwatch.GetElapsedTime(started, first).TotalMilliseconds);
                writingRates.Add((books - 1) / Math.Max(Stopwatch.GetElapsedTime(first, last).TotalSeconds, 1e-3));
                var carrying = await watch.CountStoredAsync(author, books, cancellationToken);
                if (carrying != books)
                {
                    note = $"{carrying} of {books} stored copies carry the new name";
                }

                writes = watch.Captured();
                writesName = name;
            }

            if (systemRates.Count < round)
            {
                break;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {books} books, round {round}: {systemRates[^1]:F0} copies/s, raw {string.Join(", ", raw.Where(p => p.Value.Count > 0).Select(p => $"{p.Value[^1]:F0} at {p.Key}"))}"));
        }

        return systemRates.Count == 0
            ? (null, note)
            : (new FanOutRow(
                books, Percentiles.Of(systemRates, 0.5), Percentiles.Of(firstCopies, 0.5), Percentiles.Of(writingRates, 0.5),
                raw.Where(p => p.Value.Count > 0).ToDictionary(p => p.Key, p => Percentiles.Of(p.Value, 0.5)), note), note);
    }

    /// <summary>
    /// Copies a second of a plain loop sending <paramref name="writes"/> (with <paramref name="to"/> for
    /// <paramref name="from"/>) at <paramref name="concurrency"/>. When the rename made every copy <paramref name="anew"/>,
    /// the loop does too: the copies are deleted first, untimed (putting a new item and replacing one cost differently).
    /// </summary>
    private async Task<double> RawPassAsync(IReadOnlyList<AmazonWebServiceRequest> writes, string from, string to, int concurrency, bool anew)
    {
        if (anew)
        {
            await Seeding.DeleteAllAsync(system.Raw, system.Tables.TableName, writes.OfType<PutItemRequest>().Select(KeyOf), cancellationToken);
            await QuietAsync(); // the relay reads the records of the deletes first
        }

        var pass = CopyWatch.Renamed(writes, from, to);
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(pass, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (write, ct) => await system.Raw.PutItemAsync(write, ct));
        return pass.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static Dictionary<string, AttributeValue> KeyOf(PutItemRequest put) =>
        new() { [Attributes.PK] = put.Item[Attributes.PK], [Attributes.SK] = put.Item[Attributes.SK] };

    private Task QuietAsync() => system.WorkersQuietAsync(settings.SettleTimeout, cancellationToken);

    private IAmazonDynamoDB WorkerClient() => system.WorkerService<IAmazonDynamoDB>();

    private async Task<string> RegisterAsync(string name) =>
        (await system.Catalog.PostAsync("/authors", new { name }, cancellationToken))!["authorId"]!.GetValue<string>();

    private Task<System.Text.Json.Nodes.JsonNode?> AddBookAsync(string author, string title, CancellationToken ct) =>
        system.Catalog.PostAsync($"/authors/{author}/books", new { title, genre = "counted", price = 9.99m }, ct);

    /// <summary>The author's book count as the worker keeps it (0 before it has written one).</summary>
    private async Task<long> BookCountAsync(string author)
    {
        var key = Keys.AuthorStats(author);
        var stats = await system.Raw.GetItemAsync(new GetItemRequest
        {
            TableName = system.Tables.TableName,
            Key = new() { [Attributes.PK] = new(key.PK), [Attributes.SK] = new(key.SK) },
            ConsistentRead = true,
        }, cancellationToken);
        return stats.Item is { } item && item.TryGetValue(Attributes.BookCount, out var count) ? long.Parse(count.N, CultureInfo.InvariantCulture) : 0;
    }

    private async Task<bool> UntilAsync(Func<Task<bool>> done, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await done())
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(5, cancellationToken);
        }

        return true;
    }

    /// <summary>
    /// The worker's writes that carry an expected author name, seen as they succeed (the SDK's response event on the
    /// worker's own client): how many copies have it, and those writes, to send again as the raw ceiling.
    /// </summary>
    private sealed class CopyWatch(IAmazonDynamoDB raw, string table)
    {
        private readonly Lock _gate = new();
        private readonly List<AmazonWebServiceRequest> _captured = [];
        private string _name = "";
        private bool _capture;
        private int _written;
        private long _firstAt;
        private long _lastAt;

        public int Written => Volatile.Read(ref _written);

        /// <summary>When the first and the latest carrying write were answered (Stopwatch timestamps; 0 before).</summary>
        public (long First, long Last) Answered
        {
            get
            {
                lock (_gate)
                {
                    return (_firstAt, _lastAt);
                }
            }
        }

        public void Expect(string name, bool capture = false)
        {
            lock (_gate)
            {
                _name = name;
                _capture = capture;
                _captured.Clear();
                _written = 0;
                _firstAt = 0;
                _lastAt = 0;
            }
        }

        public IReadOnlyList<AmazonWebServiceRequest> Captured()
        {
            lock (_gate)
            {
                return [.. _captured];
            }
        }

        public void AttachTo(AmazonServiceClient client) => client.AfterResponseEvent += (_, e) =>
        {
            if (e is not WebServiceResponseEventArgs { Request: var request })
            {
                return;
            }

            lock (_gate)
            {
                var carried = Carried([request], _name);
                if (carried > 0)
                {
                    _written += carried;
                    _lastAt = Stopwatch.GetTimestamp();
                    if (_firstAt == 0)
                    {
                        _firstAt = _lastAt;
                    }

                    if (_capture)
                    {
                        _captured.Add(request);
                    }
                }
            }
        };

        /// <summary>Items written by <paramref name="writes"/> with an attribute equal to <paramref name="name"/>.</summary>
        public static int Carried(IEnumerable<AmazonWebServiceRequest> writes, string name)
        {
            static bool Has(Dictionary<string, AttributeValue>? values, string name) => values?.Values.Any(v => v.S == name) == true;
            return writes.Sum(request => request switch
            {
                PutItemRequest r => Has(r.Item, name) ? 1 : 0,
                UpdateItemRequest r => Has(r.ExpressionAttributeValues, name) ? 1 : 0,
                TransactWriteItemsRequest r => r.TransactItems.Count(i => Has(i.Put?.Item, name) || Has(i.Update?.ExpressionAttributeValues, name)),
                BatchWriteItemRequest r => r.RequestItems.Values.Sum(w => w.Count(x => Has(x.PutRequest?.Item, name))),
                _ => 0,
            });
        }

        /// <summary>
        /// The puts of <paramref name="writes"/> that carry <paramref name="from"/>, with <paramref name="to"/> in its
        /// place: the same keys, conditions and versions, another value.
        /// </summary>
        public static List<PutItemRequest> Renamed(IEnumerable<AmazonWebServiceRequest> writes, string from, string to) =>
        [
            .. writes.OfType<PutItemRequest>().Where(put => Carried([put], from) > 0).Select(put => new PutItemRequest
            {
                TableName = put.TableName,
                Item = put.Item.ToDictionary(a => a.Key, a => a.Value.S == from ? new AttributeValue(to) : a.Value),
                ConditionExpression = put.ConditionExpression,
                ExpressionAttributeValues = put.ExpressionAttributeValues,
            }),
        ];

        /// <summary>The copies of the author's books stored now that carry the expected name (consistent reads of the genres).</summary>
        public async Task<int> CountStoredAsync(string author, int books, CancellationToken cancellationToken)
        {
            var total = 0;
            for (var genre = 0; genre < 10 && genre < books; genre++)
            {
                var query = new QueryRequest
                {
                    TableName = table,
                    KeyConditionExpression = "PK = :pk",
                    FilterExpression = "AuthorId = :author AND AuthorName = :name",
                    ExpressionAttributeValues = new() { [":pk"] = new(Keys.GenrePartition($"fan-{genre}")), [":author"] = new(author), [":name"] = new(_name) },
                    Select = Select.COUNT,
                    ConsistentRead = true,
                };
                await foreach (var page in raw.QueryPagesAsync(query, cancellationToken))
                {
                    total += page.Count ?? 0;
                }
            }

            return total;
        }
    }
}
