namespace Microservices.Tests.Security.Fuzz;

/// <summary>A parameter of an operation as its OpenAPI document declares it (<c>path</c>, <c>query</c> or <c>header</c>).</summary>
public sealed record OperationParameter(string Name, string In, bool Required, JsonNode? Schema);

/// <summary>One operation of a service's OpenAPI document, with every <c>$ref</c> of its schemas resolved.</summary>
public sealed record Operation(string Service, string Method, string Path, IReadOnlyList<OperationParameter> Parameters, JsonNode? Body)
{
    public override string ToString() => $"{Service} {Method} {Path}";
}

/// <summary>Reads the operations the fuzz generates requests for from a service's own OpenAPI document.</summary>
public static class OpenApiOperations
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    public static IReadOnlyList<Operation> Read(string service, JsonNode document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in Methods)
            {
                if (item![method] is not { } operation)
                {
                    continue;
                }

                var parameters = (item["parameters"]?.AsArray() ?? []).Concat(operation["parameters"]?.AsArray() ?? [])
                    .Select(p => new OperationParameter(
                        p!["name"]!.GetValue<string>(),
                        p["in"]!.GetValue<string>(),
                        p["required"]?.GetValue<bool>() ?? false,
                        Resolve(document, p["schema"], 0)))
                    .ToList();
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"];
                operations.Add(new Operation(service, method.ToUpperInvariant(), path, parameters, Resolve(document, body, 0)));
            }
        }

        return operations;
    }

    /// <summary>A copy of <paramref name="schema"/> with every <c>$ref</c> replaced by what it names (to a depth that no request schema of ours reaches).</summary>
    private static JsonNode? Resolve(JsonNode document, JsonNode? schema, int depth)
    {
        switch (schema)
        {
            case null:
                return null;
            case JsonObject node when node["$ref"]?.GetValue<string>() is { } reference && depth < 8:
                var name = reference.Split('/')[^1];
                return Resolve(document, document["components"]!["schemas"]![name], depth + 1);
            case JsonObject node:
                var copy = new JsonObject();
                foreach (var (key, value) in node)
                {
                    copy[key] = Resolve(document, value, depth);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(v => Resolve(document, v, depth))]);
            default:
                return schema.DeepClone();
        }
    }
}
