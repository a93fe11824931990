using System.Reflection;

namespace Microservices.UnitTests.Architecture;

/// <summary>
/// The building blocks depend one way, read from the built assemblies' references (what the compiler kept, not what
/// a project file says): no cycle among the shared libraries, each one only on the blocks below it, no domain reaching
/// a web, bus, telemetry or command-line package, and no product assembly carrying the fault injectors.
/// </summary>
public sealed class DependencyTests
{
    private const string SingleTable = "Microservices.SingleTable";
    private const string EventSourcing = "Microservices.EventSourcing";
    private const string Schema = "Microservices.Schema";
    private const string Messaging = "Microservices.Messaging";
    private const string ServiceDefaults = "Microservices.ServiceDefaults";
    private const string Faults = "Microservices.Faults";
    private const string Contracts = "Microservices.Contracts";

    private const string Streams = "Microservices.Streams";
    private const string Migrations = "Microservices.Migrations";

    /// <summary>Each shared library and the project assemblies it may reference: only blocks below it.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        [Contracts] = [],
        [SingleTable] = [],
        [EventSourcing] = [SingleTable],
        [Migrations] = [SingleTable],
        [Schema] = [SingleTable, EventSourcing, Streams, Migrations],
        [ServiceDefaults] = [SingleTable, EventSourcing],
        [Streams] = [],
        [Messaging] = [SingleTable, EventSourcing, Streams, Contracts],
        [Faults] = [SingleTable, Messaging, Streams],
    };

    /// <summary>What the services ship: every assembly of services/ but Ops, and every shared library but the faults.</summary>
    private static readonly string[] Product =
    [
        "Catalog.Domain", "Catalog.Api", "Catalog.Worker",
        "Clients.Domain", "Clients.Api",
        "Orders.Domain", "Orders.Api", "Orders.Worker",
        "EventRelay", "AppHost",
        .. Allowed.Keys.Where(name => name != Faults),
    ];

    private static readonly string[] Domains = ["Catalog.Domain", "Clients.Domain", "Orders.Domain"];

    /// <summary>The CDK app (services/Deploy): a deployment tool, not shipped in any image.</summary>
    private const string Deploy = "Deploy";

    private static readonly string[] ProjectAssemblies = [.. Product, Faults, "ops", Deploy];

    [Fact]
    public void The_shared_libraries_reference_each_other_without_a_cycle() =>
        Assert.Null(FindCycle(Graph(Allowed.Keys)));

    [Fact]
    public void Each_shared_library_references_only_the_libraries_below_it()
    {
        var graph = Graph(Allowed.Keys);
        var wrong = graph.SelectMany(node => node.Value.Except(Allowed[node.Key]).Select(target => $"{node.Key} -> {target}")).ToList();
        Assert.True(wrong.Count == 0, $"references against the direction: {string.Join(", ", wrong)}");
    }

    [Fact]
    public void Single_table_support_and_event_sourcing_reference_only_the_AWS_SDK_Microsoft_Extensions_and_the_base_library()
    {
        foreach (var library in new[] { SingleTable, EventSourcing, Schema })
        {
            Assert.Empty(OutsideFoundation(library, Allowed[library]));
        }
    }

    [Fact]
    public void The_stream_consumer_references_no_other_project_only_the_AWS_SDK_Microsoft_Extensions_and_the_base_library() =>
        Assert.Empty(OutsideFoundation(Streams, []));

    [Fact]
    public void No_domain_reaches_AspNetCore_MassTransit_OpenTelemetry_or_System_CommandLine()
    {
        foreach (var domain in Domains)
        {
            var forbidden = Closure(domain).Where(IsForbiddenInADomain).ToList();
            Assert.True(forbidden.Count == 0, $"{domain} reaches {string.Join(", ", forbidden)}");
        }
    }

    [Fact]
    public void No_product_assembly_reaches_the_fault_injectors()
    {
        var carrying = Product.Where(name => Closure(name).Contains(Faults)).ToList();
        Assert.True(carrying.Count == 0, $"{string.Join(", ", carrying)} reach {Faults}");
    }

    [Fact]
    public void The_CDK_app_references_the_lower_libraries_and_the_relay_but_no_service()
    {
        // The relay, for its own stream consumer options (EventRelayModule.AddEventRelay); no domain, API or worker:
        // what it needs of the services it derives from the schema, and the integration tests check the names.
        string[] allowed = [SingleTable, EventSourcing, Schema, Streams, Migrations, ServiceDefaults, Messaging, Contracts, "EventRelay"];
        var projects = References(Deploy).Where(ProjectAssemblies.Contains).ToList();
        Assert.Contains("EventRelay", projects);
        Assert.Empty(projects.Except(allowed));
        var reached = Closure(Deploy).Where(ProjectAssemblies.Contains).Except(allowed).ToList();
        Assert.True(reached.Count == 0, $"{Deploy} reaches {string.Join(", ", reached)}");
    }

    // The rules themselves, on graphs made to break them: each check above can fail.

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>
        {
            ["a"] = ["b"],
            ["b"] = ["c"],
            ["c"] = ["a"],
            ["d"] = [],
        };
        Assert.Equal("a -> b -> c -> a", FindCycle(graph));
        Assert.Null(FindCycle(new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["b"], ["b"] = [] }));
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore.Http.Abstractions", true)]
    [InlineData("MassTransit", true)]
    [InlineData("MassTransit.RabbitMqTransport", true)]
    [InlineData("OpenTelemetry.Api", true)]
    [InlineData("System.CommandLine", true)]
    [InlineData("MassTransit.Abstractions", true)]
    [InlineData("Microsoft.Extensions.Options", false)]
    [InlineData("AWSSDK.DynamoDBv2", false)]
    public void A_domain_may_not_reach_a_web_bus_telemetry_or_command_line_assembly(string reference, bool forbidden) =>
        Assert.Equal(forbidden, IsForbiddenInADomain(reference));

    [Fact]
    public void The_faults_are_found_through_a_library_in_between() =>
        Assert.Contains(Faults, Closure("ops"));

    /// <summary>
    /// Any MassTransit assembly (MassTransit.Abstractions too: the contracts are plain records, and the buses keep
    /// their topology), and any ASP.NET Core, OpenTelemetry or System.CommandLine one, is forbidden.
    /// </summary>
    private static bool IsForbiddenInADomain(string reference) =>
        reference.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
        || reference.StartsWith("OpenTelemetry", StringComparison.Ordinal)
        || reference == "System.CommandLine"
        || IsOrStartsWith(reference, "MassTransit");

    private static bool IsOrStartsWith(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>The references of <paramref name="library"/> that are neither the base library, Microsoft.Extensions.*, the AWS SDK nor the named projects.</summary>
    private static List<string> OutsideFoundation(string library, IEnumerable<string> projects) =>
        References(library)
            .Where(name => !(IsOrStartsWith(name, "System") || name is "netstandard" or "mscorlib"
                || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)
                || name.StartsWith("AWSSDK.", StringComparison.Ordinal)
                || projects.Contains(name)))
            .ToList();

    /// <summary>Every assembly <paramref name="name"/> references, directly or through the project assemblies it references.</summary>
    private static HashSet<string> Closure(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var next))
        {
            foreach (var reference in References(next))
            {
                if (seen.Add(reference) && ProjectAssemblies.Contains(reference))
                {
                    pending.Push(reference);
                }
            }
        }

        return seen;
    }

    private static Dictionary<string, IReadOnlyList<string>> Graph(IEnumerable<string> names) =>
        names.ToDictionary(name => name, name => (IReadOnlyList<string>)References(name).Where(ProjectAssemblies.Contains).ToList(), StringComparer.Ordinal);

    private static IEnumerable<string> References(string name) =>
        Assembly.Load(new AssemblyName(name)).GetReferencedAssemblies().Select(reference => reference.Name!);

    /// <summary>The first cycle met, as "a -> b -> a", or null.</summary>
    private static string? FindCycle(IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        string? Visit(string node)
        {
            var at = path.IndexOf(node);
            if (at >= 0)
            {
                return string.Join(" -> ", path.Skip(at).Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }
}
