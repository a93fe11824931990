using Amazon.DynamoDBv2;

namespace Microservices.Migrations;

/// <summary>What a migration works on: the client, the single table, and whether this is a dry run (no writes).</summary>
public sealed record MigrationContext(IAmazonDynamoDB Dynamo, string Table, bool DryRun);
