using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.DynamoDBv2.Model;
using Constructs;
using Microservices.Schema;

namespace Deploy;

/// <summary>
/// The two tables, each made from the very CreateTableRequest the bootstrap sends (<see cref="TableBootstrap"/>), so
/// a key, index, projection or stream the schema changes changes here too. What a request cannot say and production
/// needs is added here: point-in-time recovery, deletion protection, RETAIN, and TTL where an item type declares one.
/// </summary>
public static class TableResources
{
    public static CfnTable Create(Construct scope, string id, CreateTableRequest request, string? timeToLiveAttribute)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = new CfnTable(scope, id, new CfnTableProps
        {
            TableName = request.TableName,
            BillingMode = request.BillingMode.Value,
            AttributeDefinitions = request.AttributeDefinitions
                .Select(a => (object)new CfnTable.AttributeDefinitionProperty { AttributeName = a.AttributeName, AttributeType = a.AttributeType.Value })
                .ToArray(),
            KeySchema = KeySchema(request.KeySchema),
            GlobalSecondaryIndexes = request.GlobalSecondaryIndexes is { Count: > 0 } indexes
                ? indexes.Select(i => (object)new CfnTable.GlobalSecondaryIndexProperty
                {
                    IndexName = i.IndexName,
                    KeySchema = KeySchema(i.KeySchema),
                    Projection = new CfnTable.ProjectionProperty
                    {
                        ProjectionType = i.Projection.ProjectionType.Value,
                        NonKeyAttributes = i.Projection.NonKeyAttributes is { Count: > 0 } attributes ? [.. attributes] : null,
                    },
                }).ToArray()
                : null,
            StreamSpecification = request.StreamSpecification is { StreamEnabled: true } stream
                ? new CfnTable.StreamSpecificationProperty { StreamViewType = stream.StreamViewType.Value }
                : null,
            PointInTimeRecoverySpecification = new CfnTable.PointInTimeRecoverySpecificationProperty { PointInTimeRecoveryEnabled = true },
            DeletionProtectionEnabled = true,
            TimeToLiveSpecification = timeToLiveAttribute is null
                ? null
                : new CfnTable.TimeToLiveSpecificationProperty { AttributeName = timeToLiveAttribute, Enabled = true },
        });
        // The data outlives the stack: deleting the stack leaves the table (and deletion protection refuses a delete).
        table.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        return table;
    }

    private static object[] KeySchema(List<KeySchemaElement> keys) =>
        [.. keys.Select(k => (object)new CfnTable.KeySchemaProperty { AttributeName = k.AttributeName, KeyType = k.KeyType.Value })];
}
