using Amazon.DynamoDBv2.Model;
using Microservices.Migrations;
using Microservices.Schema;
using Microservices.Schema.Migrations;
using Microservices.SingleTable;

namespace Ops;

/// <summary>
/// The shapes the table's migrations say its items must have, judged from their history: before a migration (or once
/// taken down) the old shape only, after it the new one on every item, and while it runs either, but what the new
/// shape adds must be right where it is there. A run that proves its work (<paramref name="Proving"/>) is judged as if
/// it had finished. The expected keys come from the schema's templates, not from the migration's code.
/// </summary>
public sealed record TableShapes(IReadOnlyDictionary<int, MigrationRecord> Records, (int Version, MigrationDirection Direction)? Proving = null)
{
    public static TableShapes None { get; } = new(new Dictionary<int, MigrationRecord>());

    /// <summary>The shapes as the table's history has them now (none when there is no lease table, so no history).</summary>
    public static async Task<TableShapes> ReadAsync(Amazon.DynamoDBv2.IAmazonDynamoDB dynamo, DynamoDbOptions settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        try
        {
            var records = await new MigrationHistory(dynamo, settings.LeaseTableName, settings.TableName).ReadAllAsync(cancellationToken);
            return new(records.ToDictionary(r => r.Version));
        }
        catch (ResourceNotFoundException)
        {
            return None;
        }
    }

    /// <summary>What <paramref name="version"/> requires of its items: the old shape, the new one, or either.</summary>
    public Expectation Of(int version)
    {
        if (Proving is { } proving && proving.Version == version)
        {
            return proving.Direction == MigrationDirection.Up ? Expectation.New : Expectation.Old;
        }

        return Records.GetValueOrDefault(version)?.State switch
        {
            null or MigrationState.Reverted => Expectation.Old,
            MigrationState.Applied => Expectation.New,
            _ => Expectation.Either,
        };
    }

    public enum Expectation
    {
        Old,
        New,
        Either,
    }
}

public static class ShapeCheck
{
    public static IReadOnlyList<Drift> Check(IReadOnlyList<Dictionary<string, AttributeValue>> items, TableShapes shapes)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(shapes);
        var drifts = new List<Drift>();
        var emailIndex = shapes.Of(ClientsByEmail.Number);
        foreach (var client in items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Client))
        {
            var key = new ItemKey(client[Attributes.PK].S, client[Attributes.SK].S);
            var expected = new Dictionary<string, string>
            {
                [Attributes.GSI2PK] = TableSchema.ClientEmail.PartitionKey.Build(client[Attributes.Email].S.ToLowerInvariant()),
                [Attributes.GSI2SK] = TableSchema.ClientEmail.SortKey.Build(client[Attributes.ClientId].S),
            };
            foreach (var (field, value) in expected)
            {
                var found = client.GetValueOrDefault(field)?.S;
                var wrong = emailIndex switch
                {
                    TableShapes.Expectation.Old => found is not null,
                    TableShapes.Expectation.New => found != value,
                    _ => found is not null && found != value,
                };
                if (wrong)
                {
                    drifts.Add(new Drift(found is null ? "unmigrated" : "shape", key, field, emailIndex == TableShapes.Expectation.Old ? null : value, found));
                }
            }
        }

        // Every command since book.added.v2 writes a book's Currency, so it may be there in any state; once migration 2
        // is applied it must be on every book.
        if (shapes.Of(BookCurrency.Number) == TableShapes.Expectation.New)
        {
            drifts.AddRange(items
                .Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Book && !i.ContainsKey(Attributes.Currency))
                .Select(book => new Drift("unmigrated", new ItemKey(book[Attributes.PK].S, book[Attributes.SK].S), Attributes.Currency, BookCurrency.Before, null)));
        }

        drifts.AddRange(OrderPlaces(items, shapes.Of(OrderPartitions.Number)));
        return drifts;
    }

    /// <summary>
    /// Migration 3: every order head in the place the expectation allows (its client's partition, without GSI2 keys;
    /// or its own, with its client's), each order once, and each line beside its head, under the key the schema's
    /// templates give it there.
    /// </summary>
    private static IEnumerable<Drift> OrderPlaces(IReadOnlyList<Dictionary<string, AttributeValue>> items, TableShapes.Expectation expectation)
    {
        var heads = items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.Order).ToList();
        var placeOf = new Dictionary<string, (Dictionary<string, AttributeValue> Head, bool OwnPartition)>(StringComparer.Ordinal);
        foreach (var head in heads)
        {
            var (clientId, orderId) = (head[Attributes.ClientId].S, head[Attributes.OrderId].S);
            var key = new ItemKey(head[Attributes.PK].S, head[Attributes.SK].S);
            var own = key == Keys.OrderV3(orderId)
                && head.GetValueOrDefault(Attributes.GSI2PK)?.S == Keys.ClientOrdersIndexKey(clientId)
                && head.GetValueOrDefault(Attributes.GSI2SK)?.S == Keys.ClientOrdersIndexSortKey(orderId);
            var client = key == Keys.Order(clientId, orderId) && !head.ContainsKey(Attributes.GSI2PK) && !head.ContainsKey(Attributes.GSI2SK);
            var allowed = expectation switch
            {
                TableShapes.Expectation.Old => client,
                TableShapes.Expectation.New => own,
                _ => own || client,
            };
            if (!allowed)
            {
                var expected = expectation == TableShapes.Expectation.Old ? Keys.Order(clientId, orderId) : Keys.OrderV3(orderId);
                yield return new Drift(client ? "unmigrated" : "shape", key, Attributes.PK, $"{expected.PK} | {expected.SK}", $"{key.PK} | {key.SK}");
            }

            if (placeOf.TryGetValue(orderId, out var other))
            {
                yield return new Drift("twice", key, Attributes.OrderId, $"order {orderId} once", $"also at {other.Head[Attributes.PK].S} | {other.Head[Attributes.SK].S}");
            }
            else if (own || client)
            {
                placeOf[orderId] = (head, own);
            }
        }

        foreach (var line in items.Where(i => i.GetValueOrDefault(Attributes.ItemType)?.S == ItemTypes.OrderLine))
        {
            if (!placeOf.TryGetValue(line[Attributes.OrderId].S, out var place))
            {
                continue; // no head in a place it may be: reported above, or by the stream check
            }

            var orderId = line[Attributes.OrderId].S;
            var lineNo = int.Parse(line[Attributes.LineNo].N, System.Globalization.CultureInfo.InvariantCulture);
            var expected = place.OwnPartition ? Keys.OrderLineV3(orderId, lineNo) : Keys.OrderLine(place.Head[Attributes.ClientId].S, orderId, lineNo);
            var key = new ItemKey(line[Attributes.PK].S, line[Attributes.SK].S);
            if (key != expected)
            {
                yield return new Drift("apart", key, Attributes.PK, $"{expected.PK} | {expected.SK} (beside its head)", $"{key.PK} | {key.SK}");
            }
        }
    }
}
