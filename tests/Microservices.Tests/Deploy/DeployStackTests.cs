using System.Diagnostics.Metrics;
using Amazon.CDK;
using Amazon.CDK.Assertions;
using Catalog.Api;
using Catalog.Domain;
using Clients.Api;
using Clients.Domain;
using Deploy;
using EventRelay;
using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Orders.Domain;

namespace Microservices.Tests.Deploy;

/// <summary>
/// The CDK app (services/Deploy) against what it derives from: the table and the lease table the bootstrap creates,
/// the schema's key templates for every role, the relay's own stream consumer options for the event source mapping,
/// the consumer's own instrument names for its alarms. Both stream sides are synthesised once, offline; the last
/// test runs the real `cdk synth` with no AWS account.
/// </summary>
[TakesAbout(35)]
public sealed class DeployStackTests(DeployStackFixture stacks) : IClassFixture<DeployStackFixture>
{
    private static readonly string[] ContainerProcesses =
        [ServiceAccessTable.Catalog, ServiceAccessTable.Clients, ServiceAccessTable.Orders, ServiceAccessTable.CatalogWorker, ServiceAccessTable.OrdersWorker, ServiceAccessTable.EventRelay];

    // ---- Tables ----

    [Fact]
    public void The_table_has_the_keys_indexes_stream_and_billing_the_bootstrap_creates_with_every_migrations_index()
    {
        var request = TableBootstrap.LatestSingleTableRequest(new DynamoDbOptions().TableName);
        var table = stacks.ContainerJson.Properties(stacks.Container.GetLogicalId(stacks.Container.Table));

        Assert.Equal(request.TableName, table["TableName"]!.GetValue<string>());
        Assert.Equal(request.BillingMode.Value, table["BillingMode"]!.GetValue<string>());
        Assert.Equal(
            request.AttributeDefinitions.Select(a => (a.AttributeName, a.AttributeType.Value)),
            table["AttributeDefinitions"]!.AsArray().Select(a => (a!["AttributeName"]!.GetValue<string>(), a["AttributeType"]!.GetValue<string>())));
        Assert.Equal(Keys(request.KeySchema), Keys(table["KeySchema"]!));
        Assert.Equal(
            request.GlobalSecondaryIndexes.Select(i => (i.IndexName, string.Join(",", Keys(i.KeySchema)), i.Projection.ProjectionType.Value)),
            table["GlobalSecondaryIndexes"]!.AsArray().Select(i => (i!["IndexName"]!.GetValue<string>(), string.Join(",", Keys(i["KeySchema"]!)), i["Projection"]!["ProjectionType"]!.GetValue<string>())));
        Assert.Equal(request.StreamSpecification.StreamViewType.Value, table["StreamSpecification"]!["StreamViewType"]!.GetValue<string>());

        // The migrations' indexes are in it: GSI2, as migration 1's expand would add it.
        Assert.Contains(request.GlobalSecondaryIndexes, i => i.IndexName == ClientsByEmail.Gsi2.IndexName);
        Assert.Equal([TableSchema.Gsi1, TableSchema.Gsi2], request.GlobalSecondaryIndexes.Select(i => i.IndexName));
    }

    [Fact]
    public void The_table_keeps_its_data_with_point_in_time_recovery_deletion_protection_and_retain()
    {
        stacks.ContainerTemplate.HasResource("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
            ["Properties"] = Match.ObjectLike(new Dictionary<string, object>
            {
                ["TableName"] = new DynamoDbOptions().TableName,
                ["DeletionProtectionEnabled"] = true,
                ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
            }),
        });
    }

    [Fact]
    public void No_item_type_declares_a_TTL_so_the_table_has_none_and_one_declared_would_be_enabled()
    {
        Assert.Null(TableSchema.TimeToLiveAttribute(TableSchema.AllShapes));
        stacks.ContainerTemplate.HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(new Dictionary<string, object>
        {
            ["TableName"] = new DynamoDbOptions().TableName,
            ["TimeToLiveSpecification"] = Match.Absent(),
        }));

        var expiring = TableSchema.Idempotency with { TimeToLive = "ExpiresAt" };
        Assert.Equal("ExpiresAt", TableSchema.TimeToLiveAttribute([.. TableSchema.ItemTypeSpecs, expiring]));
        Assert.Throws<InvalidOperationException>(() => TableSchema.TimeToLiveAttribute([expiring, TableSchema.Event with { TimeToLive = "Other" }]));
        var stack = new Stack(new App(), "Ttl");
        TableResources.Create(stack, "Table", TableBootstrap.SingleTableRequest("t"), TableSchema.TimeToLiveAttribute([expiring]));
        Template.FromStack(stack).HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(new Dictionary<string, object>
        {
            ["TimeToLiveSpecification"] = new Dictionary<string, object> { ["AttributeName"] = "ExpiresAt", ["Enabled"] = true },
        }));
    }

    [Fact]
    public void The_lease_table_is_the_consumers_own_layout_and_has_no_stream()
    {
        var request = TableBootstrap.LeaseTableRequest(new DynamoDbOptions().LeaseTableName);
        var lease = stacks.ContainerJson.Properties(stacks.Container.GetLogicalId(stacks.Container.LeaseTable));
        Assert.Equal(request.TableName, lease["TableName"]!.GetValue<string>());
        Assert.Equal(Keys(request.KeySchema), Keys(lease["KeySchema"]!));
        Assert.Equal(request.BillingMode.Value, lease["BillingMode"]!.GetValue<string>());
        Assert.Null(lease["StreamSpecification"]);
        Assert.Null(lease["GlobalSecondaryIndexes"]);
        stacks.ContainerTemplate.ResourceCountIs("AWS::DynamoDB::Table", 2);
    }

    // ---- Roles ----

    [Fact]
    public void Every_role_has_no_wildcard_DynamoDB_action_and_only_the_two_tables_their_indexes_and_stream_as_resources()
    {
        foreach (var (stack, json) in new[] { (stacks.Container, stacks.ContainerJson), (stacks.Lambda, stacks.LambdaJson) })
        {
            var table = stack.GetLogicalId(stack.Table);
            var lease = stack.GetLogicalId(stack.LeaseTable);
            foreach (var (name, role) in stack.Roles)
            {
                foreach (var statement in json.StatementsOf(stack.GetLogicalId((CfnElement)role.Node.DefaultChild!)))
                {
                    var actions = TemplateJson.Strings(statement["Action"]);
                    if (!actions.Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)))
                    {
                        continue;
                    }

                    Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
                    foreach (var resource in TemplateJson.Strings(statement["Resource"]))
                    {
                        if (resource == "*")
                        {
                            // ListStreams has no resource but "*" in IAM: alone in its statement, and it reads no data.
                            Assert.Equal(["dynamodb:ListStreams"], actions);
                            continue;
                        }

                        Assert.True(resource.Contains($"\"{table}\"", StringComparison.Ordinal) || resource.Contains($"\"{lease}\"", StringComparison.Ordinal),
                            $"{name}: {resource} is neither table");
                    }
                }
            }
        }
    }

    [Fact]
    public void Each_process_writes_the_table_only_under_the_leading_keys_of_its_own_item_types()
    {
        foreach (var name in ContainerProcesses)
        {
            var access = ServiceAccessTable.Find(name);
            var writes = WriteStatements(stacks.Container, stacks.ContainerJson, name);
            if (!access.WritesTable)
            {
                Assert.Empty(writes);
                continue;
            }

            var statement = Assert.Single(writes);
            Assert.Equal(access.WriteLeadingKeys, LeadingKeys(statement));
            Assert.Equal(MicroservicesDeployment.TableWriteActions, TemplateJson.Strings(statement["Action"]));
        }

        Assert.Equal(["AUTHOR#*", "IDEMPOTENCY#catalog#*", "STREAM#author#*", "STREAM#book#*"], ServiceAccessTable.Find(ServiceAccessTable.Catalog).WriteLeadingKeys);
        Assert.Equal(["BOOKSALES#*", "CLIENT#*", "IDEMPOTENCY#orders#*", "ORDER#*", "STREAM#order#*"], ServiceAccessTable.Find(ServiceAccessTable.Orders).WriteLeadingKeys);
    }

    [Fact]
    public void No_process_may_write_another_ones_item_type_but_where_their_partitions_are_shared()
    {
        var violations = ItemTypeWritersAgainstTheSchema(name => LeadingKeys(Assert.Single(WriteStatements(stacks.Container, stacks.ContainerJson, name))));
        Assert.True(violations.Count == 0, string.Join("; ", violations));

        // The shared partitions, where the condition cannot tell the writers apart (docs/deploy.md says so).
        Assert.Equal(
            [
                (ItemTypes.Address, ServiceAccessTable.Clients, ServiceAccessTable.Orders),
                (ItemTypes.Address, ServiceAccessTable.Clients, ServiceAccessTable.OrdersWorker),
                (ItemTypes.Author, ServiceAccessTable.Catalog, ServiceAccessTable.CatalogWorker),
                (ItemTypes.AuthorStats, ServiceAccessTable.CatalogWorker, ServiceAccessTable.Catalog),
                (ItemTypes.Book, ServiceAccessTable.Catalog, ServiceAccessTable.CatalogWorker),
                (ItemTypes.BookSale, ServiceAccessTable.Orders, ServiceAccessTable.OrdersWorker),
                (ItemTypes.BookSales, ServiceAccessTable.OrdersWorker, ServiceAccessTable.Orders),
                (ItemTypes.Client, ServiceAccessTable.Clients, ServiceAccessTable.Orders),
                (ItemTypes.Client, ServiceAccessTable.Clients, ServiceAccessTable.OrdersWorker),
                (ItemTypes.ClientOrderStats, ServiceAccessTable.OrdersWorker, ServiceAccessTable.Clients),
                (ItemTypes.ClientOrderStats, ServiceAccessTable.OrdersWorker, ServiceAccessTable.Orders),
                (ItemTypes.Order, ServiceAccessTable.Orders, ServiceAccessTable.Clients),
                (ItemTypes.Order, ServiceAccessTable.OrdersWorker, ServiceAccessTable.Clients),
                (ItemTypes.OrderLine, ServiceAccessTable.Orders, ServiceAccessTable.Clients),
                (ItemTypes.OrderLine, ServiceAccessTable.Orders, ServiceAccessTable.OrdersWorker),
            ],
            ServiceAccessTable.SharedPartitions.Select(s => (s.Type.Name, s.Writer, s.Cohabitant)).Distinct().Order());
    }

    [Fact]
    public void A_role_that_could_write_another_services_events_is_caught()
    {
        // Clients' role as if it had been given Orders' event streams too: the check above would fail on it.
        var widened = ItemTypeWritersAgainstTheSchema(name => name == ServiceAccessTable.Clients
            ? [.. ServiceAccessTable.Find(name).WriteLeadingKeys, "STREAM#order#*", "BOOKCOUNT#*"]
            : ServiceAccessTable.Find(name).WriteLeadingKeys);
        Assert.Contains(widened, v => v.Contains("clients may write BookCountMarker", StringComparison.Ordinal));
        Assert.Contains(widened, v => v.Contains("clients may write Orders' events", StringComparison.Ordinal));
    }

    [Fact]
    public void Readers_of_migration_states_and_the_relay_reach_only_their_own_lease_table_partitions()
    {
        foreach (var name in ContainerProcesses)
        {
            var access = ServiceAccessTable.Find(name);
            var lease = stacks.Container.GetLogicalId(stacks.Container.LeaseTable);
            var onLease = Statements(stacks.Container, stacks.ContainerJson, name)
                .Where(s => TemplateJson.Strings(s["Resource"]).Any(r => r.Contains($"\"{lease}\"", StringComparison.Ordinal)))
                .ToList();
            var expected = (access.ReadsMigrations ? 1 : 0) + (access.StreamConsumer is null ? 0 : 1);
            Assert.Equal(expected, onLease.Count);
            Assert.All(onLease, s => Assert.NotEmpty(LeadingKeys(s)));
            if (access.ReadsMigrations)
            {
                Assert.Contains(onLease, s => LeadingKeys(s).SequenceEqual([MigrationHistory.PartitionOf(new DynamoDbOptions().TableName)]));
            }
        }

        var relay = Statements(stacks.Container, stacks.ContainerJson, ServiceAccessTable.EventRelay);
        Assert.Contains(relay, s => LeadingKeys(s).SequenceEqual(["CONSUMER#integration-events", "DEADLETTERS#integration-events"]));
        Assert.Contains(relay, s => TemplateJson.Strings(s["Action"]).SequenceEqual(MicroservicesDeployment.StreamReadActions)
            && TemplateJson.Strings(s["Resource"]).Single().Contains("/stream/*", StringComparison.Ordinal));
        // The workers do not read the stream (the relay publishes for them), so they have no stream access.
        foreach (var worker in new[] { ServiceAccessTable.CatalogWorker, ServiceAccessTable.OrdersWorker })
        {
            Assert.DoesNotContain(Statements(stacks.Container, stacks.ContainerJson, worker), s => TemplateJson.Strings(s["Action"]).Contains("dynamodb:GetRecords"));
        }
    }

    [Fact]
    public void The_access_table_names_the_services_as_they_name_themselves()
    {
        Assert.Equal(ServiceAccessTable.Catalog, CatalogService.Name);
        Assert.Equal(ServiceAccessTable.Clients, ClientsService.Name);
        Assert.Equal(ServiceAccessTable.Orders, global::Orders.Api.OrdersService.Name);
        Assert.Equal([CatalogEvents.AuthorStream, CatalogEvents.BookStream], ServiceAccessTable.Find(ServiceAccessTable.Catalog).StreamTypes);
        Assert.Equal([ClientsEvents.ClientStream], ServiceAccessTable.Find(ServiceAccessTable.Clients).StreamTypes);
        Assert.Equal([OrderEvents.OrderStream], ServiceAccessTable.Find(ServiceAccessTable.Orders).StreamTypes);
        Assert.Equal(EventRelayModule.ConsumerName, ServiceAccessTable.Find(ServiceAccessTable.EventRelay).StreamConsumer);
    }

    // ---- Services, broker, load balancer ----

    [Fact]
    public void Every_process_runs_on_Fargate_from_its_own_Dockerfile_and_the_APIs_sit_behind_one_load_balancer()
    {
        stacks.ContainerTemplate.ResourceCountIs("AWS::ECS::Service", 6);
        stacks.LambdaTemplate.ResourceCountIs("AWS::ECS::Service", 5);
        stacks.ContainerTemplate.ResourceCountIs("AWS::ElasticLoadBalancingV2::LoadBalancer", 1);
        foreach (var dockerfile in MicroservicesDeployment.Dockerfiles.Values)
        {
            Assert.True(File.Exists(Path.Combine(stacks.RepositoryRoot, dockerfile)), dockerfile);
        }

        foreach (var (service, priority, paths) in MicroservicesDeployment.Routes)
        {
            stacks.ContainerTemplate.HasResourceProperties("AWS::ElasticLoadBalancingV2::ListenerRule", Match.ObjectLike(new Dictionary<string, object>
            {
                ["Priority"] = priority,
                ["Conditions"] = new object[] { new Dictionary<string, object> { ["Field"] = "path-pattern", ["PathPatternConfig"] = new Dictionary<string, object> { ["Values"] = paths } } },
            }));
            var group = stacks.Container.GetLogicalId((CfnElement)stacks.Container.TargetGroups[service].Node.DefaultChild!);
            var properties = stacks.ContainerJson.Properties(group);
            Assert.Equal("/health", properties["HealthCheckPath"]!.GetValue<string>());
            Assert.Equal(MicroservicesDeployment.ContainerPort, properties["Port"]!.GetValue<int>());
        }
    }

    [Fact]
    public void Every_route_each_API_maps_reaches_that_API_through_the_load_balancer()
    {
        var routes = new (string Service, IEnumerable<string> Patterns)[]
        {
            (ServiceAccessTable.Catalog, RoutePatterns<CatalogService>()),
            (ServiceAccessTable.Clients, RoutePatterns<ClientsService>()),
            (ServiceAccessTable.Orders, RoutePatterns<global::Orders.Api.OrdersService>()),
        };
        foreach (var (service, patterns) in routes)
        {
            foreach (var pattern in patterns)
            {
                // A route parameter stands for one path segment; the load balancer's rules are tried by priority.
                var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", "0193a1");
                var winner = MicroservicesDeployment.Routes.OrderBy(r => r.Priority).FirstOrDefault(r => ServiceAccess.Matches(r.Paths, path));
                Assert.True(winner.Service == service, $"{pattern} of {service} goes to {winner.Service ?? "the 404"}");
            }
        }
    }

    [Fact]
    public void The_workers_and_the_relay_read_the_broker_password_from_Secrets_Manager_and_the_broker_is_private_RabbitMQ()
    {
        stacks.ContainerTemplate.HasResourceProperties("AWS::AmazonMQ::Broker", Match.ObjectLike(new Dictionary<string, object>
        {
            ["EngineType"] = "RABBITMQ",
            ["PubliclyAccessible"] = false,
        }));
        var broker = stacks.ContainerJson.Resources("AWS::AmazonMQ::Broker").Single().Resource;
        Assert.Contains("{{resolve:secretsmanager:", broker["Properties"]!["Users"]!.ToJsonString(), StringComparison.Ordinal);

        foreach (var (id, task) in stacks.ContainerJson.Resources("AWS::ECS::TaskDefinition"))
        {
            foreach (var container in task["Properties"]!["ContainerDefinitions"]!.AsArray())
            {
                var environment = container!["Environment"]?.AsArray().Select(e => e!["Name"]!.GetValue<string>()).ToList() ?? [];
                Assert.DoesNotContain("Messaging__Password", environment);
                if (environment.Contains("Messaging__Username"))
                {
                    Assert.Contains(container["Secrets"]!.AsArray(), s => s!["Name"]!.GetValue<string>() == "Messaging__Password");
                }
            }
        }
    }

    // ---- Alarms ----

    [Fact]
    public void The_relay_containers_metrics_reach_CloudWatch_through_the_collector_beside_it_and_alarm()
    {
        var instruments = StreamConsumerInstruments();
        Assert.Contains(MicroservicesDeployment.IteratorAgeMetric, instruments);
        Assert.Contains(MicroservicesDeployment.DeadLetteredMetric, instruments);

        var relayTask = stacks.ContainerJson.Resources("AWS::ECS::TaskDefinition").Single(t => t.Id.StartsWith("EventRelayTask", StringComparison.Ordinal)).Resource;
        var containers = relayTask["Properties"]!["ContainerDefinitions"]!.AsArray();
        var collector = containers.Single(c => c!["Name"]!.GetValue<string>() == "otel-collector")!;
        Assert.Equal(MicroservicesDeployment.CollectorImage, collector["Image"]!.GetValue<string>());
        var config = collector["Environment"]!.AsArray().Single(e => e!["Name"]!.GetValue<string>() == "AOT_CONFIG_CONTENT")!["Value"]!.ToJsonString();
        Assert.Contains("awsemf", config, StringComparison.Ordinal);
        Assert.Contains(MicroservicesDeployment.IteratorAgeMetric, config, StringComparison.Ordinal);
        var relay = containers.Single(c => c!["Name"]!.GetValue<string>() == ServiceAccessTable.EventRelay)!;
        Assert.Contains(relay["Environment"]!.AsArray(), e => e!["Name"]!.GetValue<string>() == "OTEL_EXPORTER_OTLP_ENDPOINT" && e["Value"]!.GetValue<string>() == "http://localhost:4317");

        foreach (var metric in new[] { MicroservicesDeployment.IteratorAgeMetric, MicroservicesDeployment.DeadLetteredMetric })
        {
            stacks.ContainerTemplate.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(new Dictionary<string, object>
            {
                ["Namespace"] = MicroservicesDeployment.MetricsNamespace,
                ["MetricName"] = metric,
                ["Dimensions"] = new object[] { new Dictionary<string, object> { ["Name"] = "consumer", ["Value"] = EventRelayModule.ConsumerName } },
            }));
        }
    }

    [Fact]
    public void Every_API_has_a_5xx_alarm_on_its_own_target_group()
    {
        var alarms = stacks.ContainerJson.Resources("AWS::CloudWatch::Alarm").Select(a => a.Resource["Properties"]!).ToList();
        foreach (var (service, _, _) in MicroservicesDeployment.Routes)
        {
            var group = stacks.Container.GetLogicalId((CfnElement)stacks.Container.TargetGroups[service].Node.DefaultChild!);
            Assert.Contains(alarms, a => a["MetricName"]?.GetValue<string>() == "HTTPCode_Target_5XX_Count"
                && a["Namespace"]!.GetValue<string>() == "AWS/ApplicationELB"
                && a["Dimensions"]!.ToJsonString().Contains(group, StringComparison.Ordinal));
        }

        stacks.ContainerTemplate.ResourceCountIs("AWS::CloudWatch::Alarm", 5);
        stacks.LambdaTemplate.ResourceCountIs("AWS::CloudWatch::Alarm", 5);
    }

    // ---- The Lambda side ----

    [Fact]
    public void The_event_source_mapping_carries_the_relays_own_stream_consumer_options()
    {
        var options = RelayStreamSettings.Options(Path.Combine(stacks.RepositoryRoot, "services", "EventRelay", "appsettings.json"));
        Assert.Equal(EventRelayModule.DefaultParallelizationFactor, options.ParallelizationFactor);
        Assert.NotNull(options.OrderingKey);

        stacks.LambdaTemplate.HasResourceProperties("AWS::Lambda::EventSourceMapping", Match.ObjectLike(new Dictionary<string, object>
        {
            ["StartingPosition"] = "TRIM_HORIZON",
            ["BatchSize"] = options.BatchSize,
            ["MaximumBatchingWindowInSeconds"] = (int)options.BatchingWindow.TotalSeconds,
            ["BisectBatchOnFunctionError"] = options.BisectBatchOnError,
            ["MaximumRetryAttempts"] = options.MaxRetryAttempts,
            // MaxRecordAge null (keep every record) is Lambda's -1.
            ["MaximumRecordAgeInSeconds"] = options.MaxRecordAge is { } age ? (int)age.TotalSeconds : -1,
            // The relay orders by partition key, Lambda only by item key: batches of a shard one at a time.
            ["ParallelizationFactor"] = 1,
            ["FunctionResponseTypes"] = new[] { "ReportBatchItemFailures" },
            ["DestinationConfig"] = new Dictionary<string, object> { ["OnFailure"] = new Dictionary<string, object> { ["Destination"] = Match.AnyValue() } },
            ["FilterCriteria"] = new Dictionary<string, object> { ["Filters"] = MicroservicesDeployment.RelayFilterPatterns.Select(p => new Dictionary<string, object> { ["Pattern"] = p }).ToArray() },
        }));
        stacks.LambdaTemplate.HasResourceProperties("AWS::Lambda::Function", Match.ObjectLike(new Dictionary<string, object>
        {
            ["Runtime"] = "provided.al2023",
            ["Handler"] = "bootstrap",
            ["Timeout"] = (int)options.HandlerTimeout.TotalSeconds,
            ["VpcConfig"] = Match.ObjectLike(new Dictionary<string, object> { ["SubnetIds"] = Match.AnyValue() }),
        }));
    }

    [Fact]
    public void Options_Lambda_cannot_carry_are_refused_by_name()
    {
        var options = RelayStreamSettings.Options(Path.Combine(stacks.RepositoryRoot, "services", "EventRelay", "appsettings.json"));
        Assert.Equal(-1, RelayStreamSettings.ToEventSourceMapping(options).MaximumRecordAgeInSeconds);
        Assert.Equal(7200, RelayStreamSettings.ToEventSourceMapping(Relay(("MaxRecordAge", "02:00:00"))).MaximumRecordAgeInSeconds);
        Assert.Equal("MaxRecordAge", Assert.Throws<ArgumentOutOfRangeException>(() => RelayStreamSettings.ToEventSourceMapping(Relay(("MaxRecordAge", "00:00:30")))).ParamName);
        Assert.Equal("BatchingWindow", Assert.Throws<ArgumentOutOfRangeException>(() => RelayStreamSettings.ToEventSourceMapping(Relay(("BatchingWindow", "00:00:01.5")))).ParamName);
        Assert.Equal("HandlerTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => RelayStreamSettings.ToEventSourceMapping(Relay(("HandlerTimeout", "00:20:00")))).ParamName);
        Assert.Equal(25, RelayStreamSettings.ToEventSourceMapping(Relay(("BatchSize", "25"))).BatchSize);

        StreamConsumerOptions Relay((string Key, string Value) setting) => RelayStreamSettings.Options(
            Path.Combine(stacks.RepositoryRoot, "services", "EventRelay", "appsettings.json"),
            [new($"{StreamConsumerOptions.Section}:{EventRelayModule.ConsumerName}:{setting.Key}", setting.Value)]);
    }

    [Fact]
    public void The_relay_function_has_the_containers_environment_and_alarms_on_iterator_age_and_its_failure_queue()
    {
        var relayTask = stacks.ContainerJson.Resources("AWS::ECS::TaskDefinition").Single(t => t.Id.StartsWith("EventRelayTask", StringComparison.Ordinal)).Resource;
        var container = relayTask["Properties"]!["ContainerDefinitions"]!.AsArray().Single(c => c!["Name"]!.GetValue<string>() == ServiceAccessTable.EventRelay)!;
        var containerKeys = container["Environment"]!.AsArray().Select(e => e!["Name"]!.GetValue<string>())
            .Concat(container["Secrets"]!.AsArray().Select(s => s!["Name"]!.GetValue<string>()))
            .Where(k => !k.StartsWith("OTEL_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        var function = stacks.LambdaJson.Resources("AWS::Lambda::Function").Single().Resource;
        var functionKeys = function["Properties"]!["Environment"]!["Variables"]!.AsObject().Select(v => v.Key).Order(StringComparer.Ordinal);
        Assert.Equal(containerKeys, functionKeys);

        stacks.LambdaTemplate.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(new Dictionary<string, object> { ["Namespace"] = "AWS/Lambda", ["MetricName"] = "IteratorAge" }));
        stacks.LambdaTemplate.HasResourceProperties("AWS::CloudWatch::Alarm", Match.ObjectLike(new Dictionary<string, object> { ["Namespace"] = "AWS/SQS", ["MetricName"] = "ApproximateNumberOfMessagesVisible" }));
        stacks.LambdaTemplate.ResourceCountIs("AWS::SQS::Queue", 1);
        // No relay container on this side, so no lease table access for it either.
        Assert.DoesNotContain(stacks.LambdaJson.Resources("AWS::ECS::TaskDefinition"), t => t.Id.StartsWith("EventRelayTask", StringComparison.Ordinal));
    }

    // ---- The real command line ----

    [Fact]
    public async Task The_cdk_command_line_synthesises_the_app_offline_without_an_AWS_account()
    {
        var result = await stacks.CommandLine;
        Assert.True(result.ExitCode == 0, $"cdk synth exited {result.ExitCode}: {result.Output}");
        var template = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(result.OutputDirectory, "Microservices.template.json"), TestContext.Current.CancellationToken))!.AsObject();
        Assert.Equal(2, template.Resources("AWS::DynamoDB::Table").Count());
        Assert.Single(template.Resources("AWS::AmazonMQ::Broker"));
    }

    // ---- Helpers ----

    private static List<string> Keys(List<KeySchemaElement> keys) => [.. keys.Select(k => $"{k.AttributeName}:{k.KeyType.Value}")];

    private static List<string> Keys(JsonNode keys) => [.. keys.AsArray().Select(k => $"{k!["AttributeName"]!.GetValue<string>()}:{k["KeyType"]!.GetValue<string>()}")];

    private static List<JsonObject> Statements(MicroservicesDeployment stack, JsonObject json, string name) =>
        json.StatementsOf(stack.GetLogicalId((CfnElement)stack.Roles[name].Node.DefaultChild!));

    private static List<JsonObject> WriteStatements(MicroservicesDeployment stack, JsonObject json, string name) =>
        [.. Statements(stack, json, name).Where(s => TemplateJson.Strings(s["Action"]).Contains("dynamodb:PutItem")
            && TemplateJson.Strings(s["Resource"]).Any(r => r.Contains($"\"{stack.GetLogicalId(stack.Table)}\"", StringComparison.Ordinal)))];

    private static List<string> LeadingKeys(JsonObject statement) =>
        TemplateJson.Strings(statement["Condition"]?["ForAllValues:StringLike"]?["dynamodb:LeadingKeys"]);

    /// <summary>
    /// For every item type of the schema (events and idempotency keys by their owners' names), every process whose
    /// write LeadingKeys admit its partition but that neither writes it nor shares its partition with its writer.
    /// </summary>
    private static List<string> ItemTypeWritersAgainstTheSchema(Func<string, IReadOnlyList<string>> leadingKeysOf)
    {
        var writers = ServiceAccessTable.All.Where(a => a.WritesTable).ToList();
        var violations = new List<string>();
        foreach (var type in TableSchema.AllShapes.Where(t => t.Name is not ItemTypes.Event and not ItemTypes.Idempotency))
        {
            var sample = ServiceAccessTable.SampleKey(type.PartitionKey);
            foreach (var process in writers.Where(p => !p.Writes.Contains(type) && ServiceAccess.Matches(leadingKeysOf(p.Name), sample)))
            {
                if (!ServiceAccessTable.SharedPartitions.Any(s => s.Type == type && s.Cohabitant == process.Name))
                {
                    violations.Add($"{process.Name} may write {type.Name} ({sample})");
                }
            }
        }

        foreach (var owner in writers.Where(w => w.StreamTypes.Count > 0))
        {
            foreach (var process in writers.Where(p => p.Name != owner.Name))
            {
                if (owner.StreamTypes.Any(s => ServiceAccess.Matches(leadingKeysOf(process.Name), TableSchema.Event.PartitionKey.Build(s, "0193a1"))))
                {
                    violations.Add($"{process.Name} may write {char.ToUpperInvariant(owner.Name[0])}{owner.Name[1..]}' events");
                }

                if (owner.IdempotencyService is { } service && ServiceAccess.Matches(leadingKeysOf(process.Name), TableSchema.Idempotency.PartitionKey.Build(service, "k")))
                {
                    violations.Add($"{process.Name} may write {owner.Name}' idempotency keys");
                }
            }
        }

        return violations;
    }

    /// <summary>Every instrument the stream consumer's meter publishes, by its name.</summary>
    private static HashSet<string> StreamConsumerInstruments()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == StreamConsumerTelemetry.Name)
                {
                    lock (names)
                    {
                        names.Add(instrument.Name);
                    }
                }
            },
        };
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(StreamConsumerTelemetry).TypeHandle);
        listener.Start();
        return names;
    }

    /// <summary>
    /// Every route pattern <typeparamref name="TService"/> maps, from the app as the service builds it (not started),
    /// less the default endpoints (health, OpenAPI, the API page), which the load balancer does not route.
    /// </summary>
    private static List<string> RoutePatterns<TService>()
        where TService : Microservices.ServiceDefaults.IServiceModule
    {
        var app = Microservices.ServiceDefaults.ServiceApp.Build<TService>([]);
        try
        {
            return [.. ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources
                .SelectMany(d => d.Endpoints)
                .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
                .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
                .Where(p => !p.StartsWith("/health", StringComparison.Ordinal) && !p.StartsWith("/openapi", StringComparison.Ordinal) && !p.StartsWith("/scalar", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal)];
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }
}
