using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microservices.Tests.Orders;
using Orders.Domain;
using static Microservices.Tests.Orders.OrderCalls;

namespace Microservices.Tests.Migrations;

/// <summary>
/// Migration 3 (orders re-keyed into their own partitions) run as a user runs it, while the Orders service places,
/// pays and cancels orders and the Clients service renames their clients, with the Orders worker keeping the copies
/// and stats: up, down, and a runner killed halfway. Each ends with every order in one place, whole, and the check clean.
/// </summary>
[TakesAbout(170)]
public sealed class OrderPartitionsMigrationTests(DynamoDbLocalFixture dynamo, RabbitMqFixture rabbit) : OrdersTest(dynamo, "migrate-orders")
{
    private static readonly string AuthorId = Ids.New();

    protected override async Task<IHost?> StartWorkerAsync(DynamoDbOptions tables) =>
        await OrdersWorker.StartAsync(tables, await rabbit.NewVirtualHostAsync("migrate-orders"), relay: true);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The table starts at migration 2 (GSI2 there, 1 and 2 applied), as a table created by a build that knew them.
        using (var client = Dynamo())
        {
            var history = new MigrationHistory(client, Tables.LeaseTableName, Tables.TableName);
            var before = new MigrationCatalog([new ClientsByEmail(), new BookCurrency()]);
            await new MigrationRunner(client, before, history, (_, _, _) => throw new InvalidOperationException("nothing to prove"), new RunnerOptions())
                .StartAtLatestAsync(TestContext.Current.CancellationToken);
        }

        // The services read the history at most two seconds old: once the Clients service sees 1 and 2 applied, it
        // writes what they ask for.
        var states = Clients.Services.GetRequiredService<MigrationStates>();
        await Eventually.Until(async () => await states.AppliedAsync(BookCurrency.Number, TestContext.Current.CancellationToken), applied => applied,
            TimeSpan.FromSeconds(30), "the Clients service to see migrations 1 and 2 applied");

        var dune = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune", 10.00m);
        var messiah = await OrderSources.WriteBookAsync(Tables, AuthorId, "Dune Messiah", 7.00m);
        await OrderSources.WriteConvergedCatalogAsync(Tables, new global::Catalog.Domain.Author(AuthorId, "Frank Herbert", 1), dune, messiah);
        await OrderSources.WriteMissingStreamsAsync(Tables);
    }

    [Fact]
    public async Task Up_moves_every_order_whole_while_orders_are_placed_paid_and_renamed_and_then_each_read_is_one_query_without_a_filter()
    {
        var traffic = await TrafficAsync(clients: 3, ordersEach: 4);

        var (exit, output) = await traffic.WhileAsync(() => OpsTool.RunAsync(Tables, "migrate", "up"));

        Assert.True(exit == 0, output);
        Assert.True(traffic.Commands > 10, $"only {traffic.Commands} commands ran during the migration");
        var record = Assert.Single(await HistoryAsync(), r => r.Version == OrderPartitions.Number);
        Assert.Equal(MigrationState.Applied, record.State);
        Assert.InRange(record.Changed, 12, traffic.Placed.Count);
        await AssertEveryOrderOnceAsync(traffic, OrderShape.OrderPartition);
        await Eventually.Until(() => OpsTool.RunAsync(Tables, "check", "--report", Path.GetTempFileName()), r => r.ExitCode == 0, TimeSpan.FromSeconds(60), "the check to be clean");

        // Once the service has seen the migration applied (its history is at most two seconds old), it looks in one place.
        var layout = Api.Services.GetRequiredService<OrderLayout>();
        await Eventually.Until(async () => await layout.CurrentAsync(TestContext.Current.CancellationToken), plan => plan.Reads[0] == OrderShape.OrderPartition,
            TimeSpan.FromSeconds(30), "the Orders service to see migration 3 applied");
        var (clientId, orderId) = traffic.Placed.First();
        Api.Requests.Clear();
        var order = await Http.GetAsync($"/clients/{clientId}/orders/{orderId}");
        Assert.Equal(["Query"], Api.Requests.Operations);
        Assert.Equal(2, order["lines"]!.AsArray().Count);
        Api.Requests.Clear();
        await Http.GetAsync($"/clients/{clientId}/orders");
        var list = Assert.IsType<QueryRequest>(Assert.Single(Api.Requests.Sent));
        Assert.Equal((TableSchema.Gsi2, null), (list.IndexName, list.FilterExpression));

        // Another client's path does not reach the order, in its own partition either.
        var other = traffic.Placed.First(p => p.ClientId != clientId).ClientId;
        await Http.SendAsync(HttpMethod.Get, $"/clients/{other}/orders/{orderId}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Down_moves_every_order_back_and_new_orders_go_to_the_client_partition_again()
    {
        var traffic = await TrafficAsync(clients: 2, ordersEach: 3);
        Assert.Equal(0, (await OpsTool.RunAsync(Tables, "migrate", "up")).ExitCode);

        var (exit, output) = await traffic.WhileAsync(() => OpsTool.RunAsync(Tables, "migrate", "down", "--to", "2"));

        Assert.True(exit == 0, output);
        Assert.Equal(MigrationState.Reverted, Assert.Single(await HistoryAsync(), r => r.Version == OrderPartitions.Number).State);
        var layout = Api.Services.GetRequiredService<OrderLayout>();
        await Eventually.Until(async () => await layout.CurrentAsync(TestContext.Current.CancellationToken), plan => plan.Lists is [OrderShape.ClientPartition],
            TimeSpan.FromSeconds(30), "the Orders service to see migration 3 taken down");
        await traffic.PlaceAsync(traffic.Placed.First().ClientId);
        await AssertEveryOrderOnceAsync(traffic, OrderShape.ClientPartition);
        await Eventually.Until(() => OpsTool.RunAsync(Tables, "check", "--report", Path.GetTempFileName()), r => r.ExitCode == 0, TimeSpan.FromSeconds(60), "the check to be clean");
    }

    [Fact]
    public async Task A_runner_killed_halfway_resumes_and_moves_every_order_exactly_once()
    {
        const int orders = 120;
        var clientId = await Clients.RegisterAsync("Seeded Client", "seeded@example.se");
        using (var client = Dynamo())
        {
            var items = new List<Dictionary<string, AttributeValue>>();
            for (var i = 0; i < orders; i++)
            {
                var orderId = Ids.New();
                List<OrderLine> ordered = [new(1, Ids.New(), AuthorId, "Dune", 10m, 1), new(2, Ids.New(), AuthorId, "Dune Messiah", 7m, 2)];
                var order = Order.Fold(orderId, Order.Place(Order.None(orderId), clientId, ordered, DateTimeOffset.UtcNow));
                items.Add(OrderItems.Order(order, new ClientCopy("Seeded Client", "seeded@example.se", 1), OrderShape.ClientPartition));
                items.AddRange(order.Lines.Select(l => OrderItems.Line(order, l, OrderShape.ClientPartition)));
            }

            foreach (var batch in items.Chunk(25))
            {
                await client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = new() { [Tables.TableName] = [.. batch.Select(i => new WriteRequest { PutRequest = new PutRequest { Item = i } })] } }, TestContext.Current.CancellationToken);
            }
        }

        // Each order is six writes (head and two lines deleted and put), twelve units: about 20 orders a second.
        string[] arguments = ["migrate", "up", "--lease-seconds", "6", "--max-write-units", "240", "--endpoint", Tables.ServiceUrl!, "--table", Tables.TableName, "--lease-table", Tables.LeaseTableName];
        using (var runner = WorkerProcess.Start(Tables, new Dictionary<string, string?>(), "ops.dll", arguments))
        {
            await Eventually.Until(async () => (await HistoryAsync()).SingleOrDefault(r => r.Version == OrderPartitions.Number)?.Changed ?? 0, changed => changed >= 50, TimeSpan.FromSeconds(90), "the runner to be under way");
            runner.KillHard();
        }

        var killed = Assert.Single(await HistoryAsync(), r => r.Version == OrderPartitions.Number);
        Assert.Equal(MigrationState.InProgress, killed.State);
        Assert.InRange(killed.Changed, 50, orders - 1);

        var (exit, output) = await Eventually.Until(() => OpsTool.RunAsync(Tables, "migrate", "up"), r => r.ExitCode != MigrateCommands.Refused, TimeSpan.FromSeconds(60), "the killed runner's lease to run out");

        Assert.True(exit == 0, output);
        Assert.Contains("resuming", output, StringComparison.Ordinal);
        var record = Assert.Single(await HistoryAsync(), r => r.Version == OrderPartitions.Number);
        Assert.Equal((MigrationState.Applied, (long)orders), (record.State, record.Changed));
        var heads = await TableItems.OfTypeAsync(Tables, ItemTypes.Order);
        var lines = await TableItems.OfTypeAsync(Tables, ItemTypes.OrderLine);
        Assert.Equal((orders, 2 * orders), (heads.Count, lines.Count));
        Assert.All(heads, h => Assert.Equal(Keys.OrderV3(h[Attributes.OrderId].S).PK, h[Attributes.PK].S));
        Assert.All(lines, l => Assert.Equal(Keys.OrderPartition(l[Attributes.OrderId].S), l[Attributes.PK].S));
    }

    /// <summary>Clients with orders of two lines each, some paid and some cancelled, and the traffic to run on them.</summary>
    private async Task<Traffic> TrafficAsync(int clients, int ordersEach)
    {
        var traffic = new Traffic(this);
        for (var c = 0; c < clients; c++)
        {
            var clientId = await Clients.RegisterAsync($"Client {c}", $"client{c}@example.se");
            traffic.Clients[clientId] = 1;
            for (var o = 0; o < ordersEach; o++)
            {
                await traffic.PlaceAsync(clientId);
            }
        }

        var placed = traffic.Placed.ToList();
        await Http.ChangeAsync(placed[0].ClientId, placed[0].OrderId, "pay", 1);
        await Http.ChangeAsync(placed[1].ClientId, placed[1].OrderId, "cancel", 1);
        traffic.Versions[placed[0].OrderId] = 2;
        traffic.Versions[placed[1].OrderId] = -1;
        return traffic;
    }

    /// <summary>Every order placed is there exactly once, head and both lines, in <paramref name="shape"/>, and listed for its client.</summary>
    private async Task AssertEveryOrderOnceAsync(Traffic traffic, OrderShape shape)
    {
        var heads = await TableItems.OfTypeAsync(Tables, ItemTypes.Order);
        var lines = await TableItems.OfTypeAsync(Tables, ItemTypes.OrderLine);
        Assert.Equal(traffic.Placed.Select(p => p.OrderId).Order(StringComparer.Ordinal), heads.Select(h => h[Attributes.OrderId].S).Order(StringComparer.Ordinal));
        Assert.Equal(2 * traffic.Placed.Count, lines.Count);
        foreach (var head in heads)
        {
            var expected = OrderItems.HeadKey(head[Attributes.ClientId].S, head[Attributes.OrderId].S, shape);
            Assert.Equal((expected.PK, expected.SK), (head[Attributes.PK].S, head[Attributes.SK].S));
        }

        foreach (var clientId in traffic.Clients.Keys)
        {
            var listed = await Eventually.Until(
                async () => ApiClient.Items(await Http.GetAsync($"/clients/{clientId}/orders")).Select(o => o!["orderId"]!.GetValue<string>()).ToList(),
                ids => ids.Count == traffic.Placed.Count(p => p.ClientId == clientId), what: "the list to show every order");
            Assert.Equal(listed.Order(StringComparer.Ordinal).Reverse(), listed);
        }
    }

    private Task<IReadOnlyList<MigrationRecord>> HistoryAsync() => MigrationRecords.ReadAsync(Tables);

    private AmazonDynamoDBClient Dynamo() => DynamoDbLocalFixture.CreateClient(Tables);

    /// <summary>
    /// Commands in a loop while a migration runs: an order placed, one paid or cancelled at the version it is at, a
    /// client renamed. Every command must succeed: none of them may meet a conflict that the migration caused.
    /// </summary>
    private sealed class Traffic(OrderPartitionsMigrationTests test)
    {
        public ConcurrentBag<(string ClientId, string OrderId)> Placed { get; } = [];

        public ConcurrentDictionary<string, long> Clients { get; } = new(StringComparer.Ordinal);

        /// <summary>Each order's version (-1 once cancelled, when nothing more is done to it).</summary>
        public ConcurrentDictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);

        public int Commands { get; private set; }

        public async Task PlaceAsync(string clientId)
        {
            var (orderId, version, _) = await test.Http.PlaceAsync(clientId, Line(AuthorId, title: "Dune"), Line(AuthorId, title: "Dune Messiah", quantity: 2));
            Placed.Add((clientId, orderId));
            Versions[orderId] = version;
        }

        public async Task<T> WhileAsync<T>(Func<Task<T>> during)
        {
            using var stop = new CancellationTokenSource();
            var loop = Task.Run(async () =>
            {
                var random = new Random(12);
                while (!stop.IsCancellationRequested)
                {
                    var clients = Clients.Keys.Order(StringComparer.Ordinal).ToList();
                    var clientId = clients[random.Next(clients.Count)];
                    switch (random.Next(3))
                    {
                        case 0:
                            await PlaceAsync(clientId);
                            break;
                        case 1:
                            var open = Placed.Where(p => Versions[p.OrderId] is > 0 and < 3).OrderBy(p => p.OrderId, StringComparer.Ordinal).ToList();
                            if (open.Count > 0)
                            {
                                var (owner, orderId) = open[random.Next(open.Count)];
                                var verb = Versions[orderId] == 1 ? "pay" : "ship";
                                Versions[orderId] = await test.Http.ChangeAsync(owner, orderId, verb, Versions[orderId]);
                            }

                            break;
                        default:
                            var version = Clients[clientId];
                            Clients[clientId] = await test.Clients.ChangeDetailsAsync(clientId, $"Renamed {version}", $"renamed{version}.{clientId[..6]}@example.se", version);
                            break;
                    }

                    Commands++;
                }
            });
            try
            {
                return await during();
            }
            finally
            {
                await stop.CancelAsync();
                await loop;
            }
        }
    }
}
