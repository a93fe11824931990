using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microservices.Benchmarks.Harness;
using Microservices.Schema;
using Microservices.SingleTable;

namespace Microservices.Benchmarks.Suite;

/// <summary>
/// Benchmark 3: every access pattern of <see cref="TableSchema"/>, its raw request built from the pattern's own key
/// condition and filter (so a pattern that no longer says what the code does shows here), with the read units
/// consumed and the items read against returned; where an endpoint serves it, that endpoint against the raw request.
/// </summary>
public sealed partial class AccessPatterns(BenchSystem system, CommandOverhead overhead, CancellationToken cancellationToken)
{
    /// <summary>The GET that serves a pattern, by the pattern's name: a path relative to the service's API.</summary>
    private Dictionary<string, (string Name, ApiClient Api, string Path)> Endpoints(CommandOverhead.Fixture d) => new()
    {
        ["An author and all their books"] = ("GetAuthor", system.Catalog, $"/authors/{d.AuthorId}"),
        ["A book by its author and title"] = ("GetBookByTitle", system.Catalog, $"/authors/{d.AuthorId}/books/by-title/{Uri.EscapeDataString(d.Title)}"),
        ["An author's books sorted by title"] = ("ListAuthorBooks", system.Catalog, $"/authors/{d.AuthorId}/books"),
        ["An author's books whose title starts with a prefix"] = ("ListAuthorBooks?startsWith", system.Catalog, $"/authors/{d.AuthorId}/books?startsWith=Book%2000"),
        ["A genre's books sorted by title, with their authors' names"] = ("ListGenreBooks", system.Catalog, $"/genres/{d.Genre}/books"),
        ["Authors sorted by name, a page at a time"] = ("ListAuthors", system.Catalog, "/authors"),
        ["An author, their books and their book count"] = ("GetAuthor", system.Catalog, $"/authors/{d.AuthorId}"),
        ["A client with all their details, numbers and addresses"] = ("GetClient", system.Clients, $"/clients/{d.ClientId}"),
        ["Clients by exact name, numbers included"] = ("FindClientsByName", system.Clients, $"/clients?name={Uri.EscapeDataString(d.ClientName)}"),
        ["A client's numbers containing some digits (filtered after the read)"] = ("FilterPhones", system.Clients, $"/clients/{d.ClientId}/phones?contains=070"),
        ["A client's orders, newest first, without their lines"] = ("ListClientOrders", system.Orders, $"/clients/{d.ClientId}/orders"),
        ["An order with its lines"] = ("GetOrder", system.Orders, $"/clients/{d.ClientId}/orders/{d.OrderId}"),
        ["Orders by status, oldest first"] = ("ListOrdersByStatus", system.Orders, "/orders?status=placed"),
    };

    public async Task MeasureAsync(SuiteResults results, int pairs)
    {
        ArgumentNullException.ThrowIfNull(results);
        var d = overhead.Data;
        var values = new Dictionary<string, string>
        {
            ["authorId"] = d.AuthorId, ["title"] = d.Title, ["prefix"] = "Book 00", ["genre"] = d.Genre, ["bookId"] = d.BookId,
            ["streamType"] = "author", ["streamId"] = d.AuthorId, ["clientId"] = d.ClientId, ["name"] = d.ClientName,
            ["digits"] = "070", ["service"] = "catalog", ["key"] = "bench-key", ["orderId"] = d.OrderId, ["status"] = "placed",
        };
        var endpoints = Endpoints(d);
        foreach (var pattern in TableSchema.AccessPatterns)
        {
            var request = Request(pattern, system.Tables.TableName, values);
            var first = await SendAsync(system.Raw, request);
            var times = new List<double>();
            Comparison? viaEndpoint = null;
            if (endpoints.TryGetValue(pattern.Name, out var endpoint))
            {
                var (systemTimes, rawTimes) = await Interleaving.RunAsync(
                    pairs, _ => Task.CompletedTask, _ => endpoint.Api.GetAsync(endpoint.Path, cancellationToken), _ => SendAsync(system.Raw, request));
                viaEndpoint = new Comparison(endpoint.Name, Summary.Of(systemTimes), Summary.Of(rawTimes));
                times = rawTimes;
            }
            else
            {
                for (var i = 0; i < pairs; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await SendAsync(system.Raw, request);
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            results.Patterns.Add(new PatternRow(pattern.Name, Describe(request), first.ReadUnits, first.ItemsRead, first.ItemsReturned, Summary.Of(times), endpoint.Name, viaEndpoint));
        }
    }

    /// <summary>The pattern's request: its key condition's templates filled with <paramref name="values"/>, its filter's values too.</summary>
    public static Amazon.Runtime.AmazonWebServiceRequest Request(AccessPatternSpec pattern, string table, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var condition = KeyCondition().Match(pattern.KeyCondition);
        if (!condition.Success)
        {
            throw new InvalidOperationException($"The key condition of '{pattern.Name}' is not one this benchmark reads: {pattern.KeyCondition}");
        }

        string Fill(string template, bool prefix)
        {
            var key = new KeyTemplate(template);
            var parts = key.Parts.Select(p => values[p]).ToArray();
            return prefix ? key.StartingWith(parts) : key.Build(parts);
        }

        var partitionName = condition.Groups["pk"].Value;
        var partition = Fill(condition.Groups["pkv"].Value, prefix: false);
        if (pattern.Operation == "GetItem")
        {
            return new GetItemRequest
            {
                TableName = table,
                Key = new() { [partitionName] = new(partition), [TableLayout.SK] = new(Fill(condition.Groups["sk"].Value, prefix: false)) },
                ConsistentRead = true,
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            };
        }

        var query = new QueryRequest
        {
            TableName = table,
            IndexName = pattern.Index,
            ConsistentRead = pattern.Index is null,
            ScanIndexForward = !pattern.Operation.Contains("ScanIndexForward = false", StringComparison.Ordinal),
            KeyConditionExpression = $"{partitionName} = :pk",
            ExpressionAttributeValues = new() { [":pk"] = new(partition) },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        if (condition.Groups["sk"].Success)
        {
            query.KeyConditionExpression += " AND SK = :sk";
            query.ExpressionAttributeValues[":sk"] = new(Fill(condition.Groups["sk"].Value, prefix: false));
        }
        else if (condition.Groups["begins"].Success)
        {
            query.KeyConditionExpression += " AND begins_with(SK, :sk)";
            query.ExpressionAttributeValues[":sk"] = new(Fill(condition.Groups["begins"].Value, prefix: true));
        }

        if (pattern.Filter is { } filter)
        {
            // "Attribute = Literal" names a literal; ":name" a value of the fixture.
            filter = LiteralComparison().Replace(filter, m =>
            {
                query.ExpressionAttributeValues[":literal"] = new(m.Groups[2].Value);
                return $"{m.Groups[1].Value} = :literal";
            });
            foreach (Match placeholder in Placeholder().Matches(filter))
            {
                var name = placeholder.Groups[1].Value;
                if (name != "literal")
                {
                    query.ExpressionAttributeValues[$":{name}"] = new(values[name]);
                }
            }

            query.FilterExpression = filter;
        }

        return query;
    }

    private static string Describe(Amazon.Runtime.AmazonWebServiceRequest request) => request switch
    {
        GetItemRequest => "GetItem",
        QueryRequest q => $"Query{(q.IndexName is null ? "" : " " + q.IndexName)}: {q.KeyConditionExpression}{(q.FilterExpression is null ? "" : ", filter " + q.FilterExpression)}",
        _ => request.GetType().Name,
    };

    private async Task<(double ReadUnits, int ItemsRead, int ItemsReturned)> SendAsync(AmazonDynamoDBClient dynamo, Amazon.Runtime.AmazonWebServiceRequest request)
    {
        if (request is GetItemRequest get)
        {
            var item = await dynamo.GetItemAsync(get, cancellationToken);
            var found = item.IsItemSet && item.Item is { Count: > 0 } ? 1 : 0;
            return (item.ConsumedCapacity?.CapacityUnits ?? 0, found, found);
        }

        var query = (QueryRequest)request;
        query.ExclusiveStartKey = null;
        double units = 0;
        int read = 0, returned = 0;
        await foreach (var page in dynamo.QueryPagesAsync(query, cancellationToken))
        {
            units += page.ConsumedCapacity?.CapacityUnits ?? 0;
            read += page.ScannedCount ?? 0;
            returned += page.Count ?? 0;
        }

        return (units, read, returned);
    }

    [GeneratedRegex(@"^(?<pk>GSI1PK|PK) = (?<pkv>\S+)(?: AND (?:SK = (?<sk>\S+)|begins_with\(SK, (?<begins>[^)]*)\)))?$")]
    private static partial Regex KeyCondition();

    [GeneratedRegex(@"\b(\w+) = ([A-Za-z]\w*)\b")]
    private static partial Regex LiteralComparison();

    [GeneratedRegex(@":(\w+)")]
    private static partial Regex Placeholder();
}
