using YamlDotNet.RepresentationModel;

namespace Microservices.UnitTests.Docker;

/// <summary>One service of docker-compose.yml, as far as the checks need it.</summary>
/// <param name="Context">The build context as a full path, or null for a service that runs a published image.</param>
/// <param name="Dockerfile">The Dockerfile as a full path (compose's default: Dockerfile in the context).</param>
/// <param name="Environment">The variables compose sets, with merge keys (<c>&lt;&lt;: *anchor</c>) applied.</param>
/// <param name="Ports">The published ports as written, e.g. "5101:5101".</param>
public sealed record ComposeService(
    string Name,
    string? Context,
    string? Dockerfile,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> DependsOn);

/// <summary>Reads the services of a compose file with a YAML parser, so anchors and merge keys count as compose counts them.</summary>
public static class ComposeFile
{
    public static IReadOnlyList<ComposeService> Read(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return [.. Mapping(root, "services").Children.Select(service => Service(directory, Scalar(service.Key), (YamlMappingNode)service.Value))];
    }

    private static ComposeService Service(string directory, string name, YamlMappingNode service)
    {
        string? context = null, dockerfile = null;
        switch (Child(service, "build"))
        {
            case YamlScalarNode shortForm:
                context = Path.GetFullPath(Path.Combine(directory, Scalar(shortForm)));
                dockerfile = Path.Combine(context, "Dockerfile");
                break;
            case YamlMappingNode build:
                context = Path.GetFullPath(Path.Combine(directory, Child(build, "context") is { } c ? Scalar(c) : "."));
                dockerfile = Path.GetFullPath(Path.Combine(context, Child(build, "dockerfile") is { } d ? Scalar(d) : "Dockerfile"));
                break;
        }

        var dependsOn = Child(service, "depends_on") switch
        {
            YamlSequenceNode list => list.Children.Select(Scalar).ToList(),
            YamlMappingNode map => map.Children.Keys.Select(Scalar).ToList(),
            _ => [],
        };
        var ports = Child(service, "ports") is YamlSequenceNode published ? published.Children.Select(Scalar).ToList() : [];
        return new ComposeService(name, context, dockerfile, Environment(Child(service, "environment")), ports, dependsOn);
    }

    private static Dictionary<string, string> Environment(YamlNode? node)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (node)
        {
            case YamlSequenceNode list:
                foreach (var entry in list.Children.Select(Scalar))
                {
                    var equals = entry.IndexOf('=', StringComparison.Ordinal);
                    variables[equals < 0 ? entry : entry[..equals]] = equals < 0 ? "" : entry[(equals + 1)..];
                }

                break;
            case YamlMappingNode map:
                // Merged mappings first, so the service's own keys win, as in compose.
                if (Child(map, "<<") is { } merged)
                {
                    var sources = merged is YamlSequenceNode many ? many.Children : [merged];
                    foreach (var (key, value) in sources.SelectMany(source => Environment(source)))
                    {
                        variables[key] = value;
                    }
                }

                foreach (var (key, value) in map.Children.Where(pair => Scalar(pair.Key) != "<<"))
                {
                    variables[Scalar(key)] = Scalar(value);
                }

                break;
        }

        return variables;
    }

    private static YamlMappingNode Mapping(YamlMappingNode parent, string key) =>
        Child(parent, key) as YamlMappingNode ?? throw new InvalidOperationException($"The compose file has no '{key}' mapping.");

    private static YamlNode? Child(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node) =>
        (node as YamlScalarNode)?.Value ?? throw new InvalidOperationException($"Expected a scalar at {node.Start}, found {node.NodeType}.");
}
