using Amazon.CDK;
using Amazon.CDK.AWS.AmazonMQ;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.EC2;
using Amazon.CDK.AWS.ECS;
using Amazon.CDK.AWS.ElasticLoadBalancingV2;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.SQS;
using Constructs;
using Microservices.Schema;
using Microservices.ServiceDefaults.Auth;
using Microservices.Streams;
using EcsSecret = Amazon.CDK.AWS.ECS.Secret;
using SecretsManagerSecret = Amazon.CDK.AWS.SecretsManager.Secret;

namespace Deploy;

/// <summary>
/// The whole system on AWS: the single table and the lease table (from the bootstrap's own requests), a VPC, Amazon
/// MQ for RabbitMQ, the three APIs behind one load balancer, the two workers and the relay on Fargate (or the relay
/// as a Lambda function), a least-privilege task role per process, and the alarms docs/deploy.md explains.
/// </summary>
public sealed class MicroservicesDeployment : Stack
{
    /// <summary>Where every API listens inside its container.</summary>
    public const int ContainerPort = 8080;

    /// <summary>The CloudWatch namespace the relay's own metrics arrive in (through the collector beside it).</summary>
    public const string MetricsNamespace = "Microservices";

    /// <summary>The broker's user, the one the workers and the relay log in as (its password is generated in Secrets Manager).</summary>
    public const string BrokerUser = "microservices";

    /// <summary>
    /// Each API's routes as load balancer path patterns (its route groups: CatalogService.Map and the others; the tests
    /// check every route each API maps against these). Orders' paths under a client are matched before Clients'.
    /// </summary>
    public static IReadOnlyList<(string Service, int Priority, string[] Paths)> Routes { get; } =
    [
        (ServiceAccessTable.Orders, 10, ["/clients/*/orders", "/clients/*/orders/*", "/orders", "/orders/*"]),
        (ServiceAccessTable.Clients, 20, ["/clients", "/clients/*"]),
        (ServiceAccessTable.Catalog, 30, ["/authors", "/authors/*", "/genres", "/genres/*"]),
    ];

    /// <summary>The collector beside the relay: its image, pinned.</summary>
    public const string CollectorImage = "public.ecr.aws/aws-observability/aws-otel-collector:v0.41.1";

    public static readonly Duration IteratorAgeThreshold = Duration.Minutes(1);

    public MicroservicesDeployment(Construct scope, string id, DeploySettings settings, IStackProps? props = null)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        RelayOptions = RelayStreamSettings.Options(Path.Combine(settings.RepositoryRoot, "services", "EventRelay", "appsettings.json"));

        // ---- Tables, from the bootstrap's own requests ----
        Table = TableResources.Create(this, "Table", TableBootstrap.LatestSingleTableRequest(settings.TableName), TableSchema.TimeToLiveAttribute(TableSchema.AllShapes));
        LeaseTable = TableResources.Create(this, "LeaseTable", TableBootstrap.LeaseTableRequest(settings.LeaseTableName), timeToLiveAttribute: null);

        // ---- Network ----
        Vpc = new Vpc(this, "Vpc", new VpcProps
        {
            MaxAzs = 2,
            NatGateways = 1,
            SubnetConfiguration =
            [
                new SubnetConfiguration { Name = "public", SubnetType = SubnetType.PUBLIC, CidrMask = 24 },
                new SubnetConfiguration { Name = "private", SubnetType = SubnetType.PRIVATE_WITH_EGRESS, CidrMask = 22 },
            ],
        });
        // DynamoDB traffic stays off the NAT gateway (and off its per-GB charge). Streams has no gateway endpoint.
        Vpc.AddGatewayEndpoint("DynamoDb", new GatewayVpcEndpointOptions { Service = GatewayVpcEndpointAwsService.DYNAMODB });
        var privateSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS };

        // ---- Broker: Amazon MQ for RabbitMQ, private, its password generated in Secrets Manager ----
        BrokerSecret = new SecretsManagerSecret(this, "BrokerSecret", new Amazon.CDK.AWS.SecretsManager.SecretProps
        {
            Description = "The RabbitMQ user of the workers and the relay (Messaging__Username, Messaging__Password).",
            GenerateSecretString = new Amazon.CDK.AWS.SecretsManager.SecretStringGenerator
            {
                SecretStringTemplate = $$"""{"username":"{{BrokerUser}}"}""",
                GenerateStringKey = "password",
                // Amazon MQ refuses commas, colons and equals signs in a password; letters and digits only is simplest.
                ExcludePunctuation = true,
                PasswordLength = 32,
            },
        });
        var brokerClients = new SecurityGroup(this, "BrokerClients", new SecurityGroupProps { Vpc = Vpc, Description = "Processes that reach the broker." });
        var brokerGroup = new SecurityGroup(this, "BrokerGroup", new SecurityGroupProps { Vpc = Vpc, Description = "Amazon MQ for RabbitMQ.", AllowAllOutbound = false });
        brokerGroup.AddIngressRule(brokerClients, Port.Tcp(BrokerPort), "AMQPS from the workers and the relay");
        var singleInstance = settings.BrokerDeploymentMode == "SINGLE_INSTANCE";
        Broker = new CfnBroker(this, "Broker", new CfnBrokerProps
        {
            BrokerName = $"{settings.TableName}-broker",
            EngineType = "RABBITMQ",
            EngineVersion = "3.13",
            AutoMinorVersionUpgrade = true,
            HostInstanceType = settings.BrokerInstanceType,
            DeploymentMode = settings.BrokerDeploymentMode,
            PubliclyAccessible = false,
            SubnetIds = singleInstance ? [Vpc.PrivateSubnets[0].SubnetId] : [.. Vpc.PrivateSubnets.Select(s => s.SubnetId)],
            SecurityGroups = [brokerGroup.SecurityGroupId],
            Logs = new CfnBroker.LogListProperty { General = true },
            Users = new object[]
            {
                new CfnBroker.UserProperty
                {
                    Username = BrokerUser,
                    // A dynamic reference ({{resolve:secretsmanager:...}}): CloudFormation reads it at deploy, the template never holds it.
                    Password = BrokerSecret.SecretValueFromJson("password").UnsafeUnwrap(),
                },
            },
        });
        // amqps://b-....mq.{region}.amazonaws.com:5671 -> the host alone.
        BrokerHost = Fn.Select(0, Fn.Split(":", Fn.Select(1, Fn.Split("://", Fn.Select(0, Broker.AttrAmqpEndpoints)))));

        // ---- Identity provider, given at deploy time ----
        var authority = new CfnParameter(this, "AuthAuthority", new CfnParameterProps
        {
            Type = "String",
            Description = "The identity provider's authority (Auth__Authority), e.g. https://login.example.com/realms/microservices.",
            AllowedPattern = "https://.+",
        });
        var audience = new CfnParameter(this, "AuthAudience", new CfnParameterProps
        {
            Type = "String",
            Description = "The audience the APIs require in a token (Auth__Audience).",
            Default = new ApiAuthOptions().Audience,
        });

        // ---- Cluster and load balancer ----
        Cluster = new Cluster(this, "Cluster", new ClusterProps { Vpc = Vpc, ContainerInsights = false });
        LoadBalancer = new ApplicationLoadBalancer(this, "LoadBalancer", new ApplicationLoadBalancerProps { Vpc = Vpc, InternetFacing = true });
        var listener = settings.CertificateArn is { } certificate
            ? LoadBalancer.AddListener("Https", new BaseApplicationListenerProps
            {
                Port = 443,
                Certificates = [ListenerCertificate.FromArn(certificate)],
                DefaultAction = NotFound(),
            })
            : LoadBalancer.AddListener("Http", new BaseApplicationListenerProps { Port = 80, DefaultAction = NotFound() });
        if (settings.CertificateArn is not null)
        {
            LoadBalancer.AddRedirect(new ApplicationLoadBalancerRedirectConfig { SourcePort = 80, TargetPort = 443 });
        }

        // ---- The processes ----
        var dynamoEnvironment = new Dictionary<string, string>
        {
            ["DynamoDb__Region"] = Aws.REGION,
            ["DynamoDb__TableName"] = settings.TableName,
            ["DynamoDb__LeaseTableName"] = settings.LeaseTableName,
        };
        var messagingEnvironment = new Dictionary<string, string>
        {
            ["Messaging__Transport"] = "RabbitMq",
            ["Messaging__Host"] = BrokerHost,
            ["Messaging__Port"] = BrokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging__VirtualHost"] = "/",
            ["Messaging__Username"] = BrokerUser,
        };
        var brokerPassword = new Dictionary<string, EcsSecret> { ["Messaging__Password"] = EcsSecret.FromSecretsManager(BrokerSecret, "password") };

        foreach (var (service, priority, paths) in Routes)
        {
            var environment = new Dictionary<string, string>(dynamoEnvironment)
            {
                ["Urls"] = $"http://0.0.0.0:{ContainerPort}",
                ["Auth__Authority"] = authority.ValueAsString,
                ["Auth__Audience"] = audience.ValueAsString,
            };
            var fargate = AddService(service, Dockerfiles[service], environment, secrets: null, reachesBroker: null, desiredCount: 2);
            var targets = new ApplicationTargetGroup(this, $"{Pascal(service)}Targets", new ApplicationTargetGroupProps
            {
                Vpc = Vpc,
                Port = ContainerPort,
                Protocol = ApplicationProtocol.HTTP,
                TargetType = TargetType.IP,
                Targets = [fargate],
                HealthCheck = new Amazon.CDK.AWS.ElasticLoadBalancingV2.HealthCheck { Path = "/health", HealthyHttpCodes = "200", Interval = Duration.Seconds(15) },
                DeregistrationDelay = Duration.Seconds(30),
            });
            listener.AddTargetGroups($"{Pascal(service)}Route", new AddApplicationTargetGroupsProps
            {
                Priority = priority,
                Conditions = [ListenerCondition.PathPatterns(paths)],
                TargetGroups = [targets],
            });
            TargetGroups[service] = targets;
            AddAlarm($"{Pascal(service)}5xx", $"{service}: its targets answered 5xx", new Metric(new MetricProps
            {
                Namespace = "AWS/ApplicationELB",
                MetricName = "HTTPCode_Target_5XX_Count",
                DimensionsMap = new Dictionary<string, string>
                {
                    ["LoadBalancer"] = LoadBalancer.LoadBalancerFullName,
                    ["TargetGroup"] = targets.TargetGroupFullName,
                },
                Statistic = "Sum",
                Period = Duration.Minutes(1),
            }), threshold: 5, evaluationPeriods: 5, datapointsToAlarm: 3);
        }

        var workerEnvironment = new Dictionary<string, string>(dynamoEnvironment);
        foreach (var (key, value) in messagingEnvironment)
        {
            workerEnvironment[key] = value;
        }

        AddService(ServiceAccessTable.CatalogWorker, Dockerfiles[ServiceAccessTable.CatalogWorker], workerEnvironment, brokerPassword, brokerClients, desiredCount: 1);
        AddService(ServiceAccessTable.OrdersWorker, Dockerfiles[ServiceAccessTable.OrdersWorker], workerEnvironment, brokerPassword, brokerClients, desiredCount: 1);

        if (settings.StreamSide == StreamSide.Container)
        {
            AddRelayContainer(workerEnvironment, brokerPassword, brokerClients);
        }
        else
        {
            AddRelayFunction(workerEnvironment, brokerClients, privateSubnets);
        }

        _ = new CfnOutput(this, "LoadBalancerUrl", new CfnOutputProps { Value = $"{(settings.CertificateArn is null ? "http" : "https")}://{LoadBalancer.LoadBalancerDnsName}" });
        _ = new CfnOutput(this, "BrokerSecretArn", new CfnOutputProps { Value = BrokerSecret.SecretArn });
    }

    /// <summary>Amazon MQ for RabbitMQ accepts AMQP over TLS only, on 5671.</summary>
    public const int BrokerPort = 5671;

    /// <summary>Each process's Dockerfile, the build context the repository root (as docker-compose.yml builds them).</summary>
    public static IReadOnlyDictionary<string, string> Dockerfiles { get; } = new Dictionary<string, string>
    {
        [ServiceAccessTable.Catalog] = "services/Catalog/Catalog.Api/Dockerfile",
        [ServiceAccessTable.Clients] = "services/Clients/Clients.Api/Dockerfile",
        [ServiceAccessTable.Orders] = "services/Orders/Orders.Api/Dockerfile",
        [ServiceAccessTable.CatalogWorker] = "services/Catalog/Catalog.Worker/Dockerfile",
        [ServiceAccessTable.OrdersWorker] = "services/Orders/Orders.Worker/Dockerfile",
        [ServiceAccessTable.EventRelay] = "services/EventRelay/Dockerfile",
    };

    public DeploySettings Settings { get; }

    /// <summary>The relay's stream consumer options, as the relay itself resolves them.</summary>
    public StreamConsumerOptions RelayOptions { get; }

    public CfnTable Table { get; }

    public CfnTable LeaseTable { get; }

    public Vpc Vpc { get; }

    public Cluster Cluster { get; }

    public ApplicationLoadBalancer LoadBalancer { get; }

    public SecretsManagerSecret BrokerSecret { get; }

    public CfnBroker Broker { get; }

    public string BrokerHost { get; }

    public Dictionary<string, ApplicationTargetGroup> TargetGroups { get; } = [];

    /// <summary>Each process's own role: the task role of a container, the execution role of the relay's function.</summary>
    public Dictionary<string, Role> Roles { get; } = [];

    public List<Alarm> Alarms { get; } = [];

    private FargateService AddService(
        string name, string dockerfile, Dictionary<string, string> environment, Dictionary<string, EcsSecret>? secrets,
        SecurityGroup? reachesBroker, int desiredCount, Action<FargateTaskDefinition, ContainerDefinition>? sidecars = null)
    {
        var role = TaskRole(name);
        var task = new FargateTaskDefinition(this, $"{Pascal(name)}Task", new FargateTaskDefinitionProps
        {
            Cpu = 512,
            MemoryLimitMiB = 1024,
            TaskRole = role,
            RuntimePlatform = new RuntimePlatform { CpuArchitecture = CpuArchitecture.X86_64, OperatingSystemFamily = OperatingSystemFamily.LINUX },
        });
        var logs = new LogGroup(this, $"{Pascal(name)}Logs", new LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY });
        var container = task.AddContainer(name, new ContainerDefinitionOptions
        {
            Image = ContainerImage.FromAsset(Settings.RepositoryRoot, new AssetImageProps { File = dockerfile }),
            Environment = environment,
            Secrets = secrets,
            Logging = LogDriver.AwsLogs(new AwsLogDriverProps { StreamPrefix = name, LogGroup = logs }),
            PortMappings = environment.ContainsKey("Urls") ? [new PortMapping { ContainerPort = ContainerPort }] : null,
            Essential = true,
        });
        sidecars?.Invoke(task, container);
        var groups = new List<ISecurityGroup> { new SecurityGroup(this, $"{Pascal(name)}Group", new SecurityGroupProps { Vpc = Vpc }) };
        if (reachesBroker is not null)
        {
            groups.Add(reachesBroker);
        }

        var service = new FargateService(this, $"{Pascal(name)}Service", new FargateServiceProps
        {
            Cluster = Cluster,
            TaskDefinition = task,
            DesiredCount = desiredCount,
            VpcSubnets = new SubnetSelection { SubnetType = SubnetType.PRIVATE_WITH_EGRESS },
            SecurityGroups = [.. groups],
            AssignPublicIp = false,
            CircuitBreaker = new DeploymentCircuitBreaker { Rollback = true },
            MinHealthyPercent = 100,
        });
        return service;
    }

    /// <summary>The relay's container, with the collector beside it that takes its OTLP metrics to CloudWatch (EMF).</summary>
    private void AddRelayContainer(Dictionary<string, string> workerEnvironment, Dictionary<string, EcsSecret> brokerPassword, SecurityGroup brokerClients)
    {
        var metricsLogs = new LogGroup(this, "RelayMetricsLogs", new LogGroupProps { Retention = RetentionDays.ONE_WEEK, RemovalPolicy = RemovalPolicy.DESTROY });
        var environment = new Dictionary<string, string>(workerEnvironment)
        {
            // AddServiceDefaults exports over OTLP once this is set (TelemetryExporters.OtlpEndpointKey).
            [Microservices.ServiceDefaults.TelemetryExporters.OtlpEndpointKey] = "http://localhost:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        };
        // Two instances share the shards through their leases: one reads each shard, the other takes over within FailoverTime.
        AddService(ServiceAccessTable.EventRelay, Dockerfiles[ServiceAccessTable.EventRelay], environment, brokerPassword, brokerClients, desiredCount: 2, (task, relay) =>
        {
            var collector = task.AddContainer("otel-collector", new ContainerDefinitionOptions
            {
                Image = ContainerImage.FromRegistry(CollectorImage),
                Essential = true,
                Environment = new Dictionary<string, string> { ["AOT_CONFIG_CONTENT"] = CollectorConfig(metricsLogs.LogGroupName), ["AWS_REGION"] = Aws.REGION },
                Logging = LogDriver.AwsLogs(new AwsLogDriverProps { StreamPrefix = "otel-collector", LogGroup = metricsLogs }),
                MemoryReservationMiB = 128,
            });
            relay.AddContainerDependencies(new ContainerDependency { Container = collector, Condition = ContainerDependencyCondition.START });
        });

        var role = Roles[ServiceAccessTable.EventRelay];
        // The collector writes EMF records to its log group; CloudWatch makes the metrics from them.
        role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "RelayMetricsAsEmf",
            Actions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:CreateLogGroup"],
            Resources = [metricsLogs.LogGroupArn],
        }));

        Metric RelayMetric(string name, string statistic, Duration period) => new(new MetricProps
        {
            Namespace = MetricsNamespace,
            MetricName = name,
            DimensionsMap = new Dictionary<string, string> { ["consumer"] = RelayOptions.ConsumerName },
            Statistic = statistic,
            Period = period,
        });

        AddAlarm("RelayIteratorAge", "The relay's oldest record handed over is older than the threshold (streams.iterator_age)",
            RelayMetric(IteratorAgeMetric, "Maximum", Duration.Minutes(1)), threshold: IteratorAgeThreshold.ToMilliseconds(), evaluationPeriods: 5, datapointsToAlarm: 5);
        AddAlarm("RelayDeadLetters", "The relay dead-lettered a record (streams.records.dead_lettered): see 'dead-letters'",
            RelayMetric(DeadLetteredMetric, "Sum", Duration.Minutes(5)), threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1);
    }

    /// <summary>The relay's metric of iterator age, as StreamConsumerTelemetry names it.</summary>
    public const string IteratorAgeMetric = "streams.iterator_age";

    /// <summary>The relay's metric of dead-lettered records, as StreamConsumerTelemetry names it.</summary>
    public const string DeadLetteredMetric = "streams.records.dead_lettered";

    /// <summary>
    /// The collector's configuration: OTLP in from the relay beside it, CloudWatch embedded metric format out, the
    /// consumer's iterator age and dead letters as metrics by consumer (one series however many shards).
    /// </summary>
    public static string CollectorConfig(string logGroupName) => $"""
        receivers:
          otlp:
            protocols:
              grpc:
                endpoint: 0.0.0.0:4317
        processors:
          batch/metrics:
            timeout: 60s
        exporters:
          awsemf:
            namespace: {MetricsNamespace}
            log_group_name: '{logGroupName}'
            dimension_rollup_option: NoDimensionRollup
            metric_declarations:
              - dimensions: [[consumer]]
                metric_name_selectors:
                  - '{IteratorAgeMetric}'
                  - '{DeadLetteredMetric}'
        service:
          pipelines:
            metrics:
              receivers: [otlp]
              processors: [batch/metrics]
              exporters: [awsemf]
        """;

    /// <summary>
    /// The relay as a Lambda function behind an event source mapping on the table's stream, each setting from the
    /// relay's own options (<see cref="RelayStreamSettings.ToEventSourceMapping"/>), failed batches' pointers to SQS.
    /// </summary>
    private void AddRelayFunction(Dictionary<string, string> workerEnvironment, SecurityGroup brokerClients, SubnetSelection privateSubnets)
    {
        var asset = Settings.RelayLambdaAsset;
        if (!File.Exists(Path.Combine(asset, "bootstrap")))
        {
            throw new FileNotFoundException(
                $"streamSide=lambda needs the relay's custom runtime at {Path.Combine(asset, "bootstrap")} (context {DeploySettings.RelayLambdaAssetKey}, default {DeploySettings.DefaultRelayLambdaAsset}).");
        }

        var mapping = RelayStreamSettings.ToEventSourceMapping(RelayOptions);
        var role = new Role(this, "EventRelayFunctionRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = "The relay's function: the table's stream, its on-failure queue, its network interfaces in the VPC.",
            ManagedPolicies = [ManagedPolicy.FromAwsManagedPolicyName("service-role/AWSLambdaVPCAccessExecutionRole")],
        });
        Roles[ServiceAccessTable.EventRelay] = role;
        var onFailure = new Queue(this, "RelayOnFailure", new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            RetentionPeriod = Duration.Days(14),
        });
        var environment = new Dictionary<string, string>(workerEnvironment)
        {
            // Lambda has no secrets in its environment: CloudFormation resolves the reference at deploy and Lambda keeps
            // the value encrypted at rest; the template holds only the reference (docs/deploy.md, "Secrets").
            ["Messaging__Password"] = BrokerSecret.SecretValueFromJson("password").UnsafeUnwrap(),
        };
        var function = new Function(this, "EventRelayFunction", new FunctionProps
        {
            Runtime = Runtime.PROVIDED_AL2023,
            Handler = "bootstrap",
            Code = Code.FromAsset(asset),
            Architecture = Settings.RelayLambdaArchitecture == "arm64" ? Architecture.ARM_64 : Architecture.X86_64,
            MemorySize = 512,
            Timeout = Duration.Seconds(mapping.FunctionTimeoutSeconds),
            Role = role,
            Vpc = Vpc,
            VpcSubnets = privateSubnets,
            SecurityGroups = [brokerClients],
            Environment = environment,
            LogGroup = new LogGroup(this, "EventRelayFunctionLogs", new LogGroupProps { Retention = RetentionDays.ONE_MONTH, RemovalPolicy = RemovalPolicy.DESTROY }),
            Description = "The event relay as a custom runtime (AWS_LAMBDA_RUNTIME_API): the table's stream to RabbitMQ.",
        });
        var streamRead = new Policy(this, "EventRelayFunctionStream", new PolicyProps
        {
            Roles = [role],
            Statements =
            [
                new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "TableStreamRead",
                    Actions = StreamReadActions,
                    Resources = [Table.AttrStreamArn],
                }),
                new PolicyStatement(new PolicyStatementProps
                {
                    Sid = "OnFailureQueue",
                    Actions = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
                    Resources = [onFailure.QueueArn],
                }),
            ],
        });
        var esm = new CfnEventSourceMapping(this, "EventRelayStream", new CfnEventSourceMappingProps
        {
            FunctionName = function.FunctionArn,
            EventSourceArn = Table.AttrStreamArn,
            StartingPosition = "TRIM_HORIZON",
            BatchSize = mapping.BatchSize,
            MaximumBatchingWindowInSeconds = mapping.MaximumBatchingWindowInSeconds,
            BisectBatchOnFunctionError = mapping.BisectBatchOnFunctionError,
            MaximumRetryAttempts = mapping.MaximumRetryAttempts,
            MaximumRecordAgeInSeconds = mapping.MaximumRecordAgeInSeconds,
            ParallelizationFactor = mapping.ParallelizationFactor,
            FunctionResponseTypes = ["ReportBatchItemFailures"],
            DestinationConfig = new CfnEventSourceMapping.DestinationConfigProperty
            {
                OnFailure = new CfnEventSourceMapping.OnFailureProperty { Destination = onFailure.QueueArn },
            },
            FilterCriteria = new CfnEventSourceMapping.FilterCriteriaProperty { Filters = RelayFilterPatterns.Select(p => (object)new CfnEventSourceMapping.FilterProperty { Pattern = p }).ToArray() },
        });
        // The mapping is checked against the role when it is created: the role's stream access must exist first.
        esm.Node.AddDependency(streamRead);

        AddAlarm("RelayFunctionIteratorAge", "The relay function's oldest record is older than the threshold (IteratorAge)", function.Metric("IteratorAge", new MetricOptions
        {
            Statistic = "Maximum",
            Period = Duration.Minutes(1),
        }), threshold: IteratorAgeThreshold.ToMilliseconds(), evaluationPeriods: 5, datapointsToAlarm: 5);
        AddAlarm("RelayOnFailureMessages", "A batch went to the relay's on-failure queue: its records were not published", onFailure.MetricApproximateNumberOfMessagesVisible(new MetricOptions
        {
            Statistic = "Maximum",
            Period = Duration.Minutes(5),
        }), threshold: 1, evaluationPeriods: 1, datapointsToAlarm: 1);
    }

    /// <summary>
    /// The relay's filter on Lambda's side (FilterCriteria): event items only, as AddIntegrationEventPublisher filters
    /// (ItemType = Event on the new image, or the old one when there is no new image, i.e. a REMOVE).
    /// </summary>
    public static IReadOnlyList<string> RelayFilterPatterns { get; } =
    [
        $$$$$"""{"dynamodb":{"NewImage":{"{{{{{Microservices.SingleTable.TableLayout.ItemType}}}}}":{"S":["{{{{{Microservices.EventSourcing.EventItem.ItemType}}}}}"]}}}}""",
        $$$$$"""{"eventName":["REMOVE"],"dynamodb":{"OldImage":{"{{{{{Microservices.SingleTable.TableLayout.ItemType}}}}}":{"S":["{{{{{Microservices.EventSourcing.EventItem.ItemType}}}}}"]}}}}""",
    ];

    public static readonly string[] TableReadActions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:ConditionCheckItem"];

    public static readonly string[] TableWriteActions = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"];

    public static readonly string[] StreamReadActions = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"];

    /// <summary>
    /// A process's task role from <see cref="ServiceAccessTable"/>: reads of the table and its indexes, writes under its
    /// own partition key prefixes only (LeadingKeys), the lease table's partitions it uses, the stream if it reads it.
    /// </summary>
    private Role TaskRole(string name)
    {
        var access = ServiceAccessTable.Find(name);
        var role = new Role(this, $"{Pascal(name)}TaskRole", new RoleProps
        {
            AssumedBy = new ServicePrincipal("ecs-tasks.amazonaws.com"),
            Description = $"{name}: writes only under {(access.WritesTable ? string.Join(", ", access.WriteLeadingKeys) : "nothing")} in the table.",
        });
        Roles[name] = role;
        var tableArn = Table.AttrArn;
        var indexes = $"{Table.AttrArn}/index/*";
        if (name != ServiceAccessTable.EventRelay)
        {
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Sid = "TableRead", Actions = TableReadActions, Resources = [tableArn, indexes] }));
        }

        if (access.WritesTable)
        {
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "TableWriteOwnItems",
                Actions = TableWriteActions,
                Resources = [tableArn],
                Conditions = LeadingKeys(access.WriteLeadingKeys),
            }));
        }

        if (access.ReadsMigrations)
        {
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "MigrationStatesRead",
                Actions = ["dynamodb:GetItem", "dynamodb:Query"],
                Resources = [LeaseTable.AttrArn],
                Conditions = LeadingKeys([Microservices.Migrations.MigrationHistory.PartitionOf(Settings.TableName)]),
            }));
        }

        if (access.StreamConsumer is not null)
        {
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps
            {
                Sid = "LeasesCheckpointsDeadLetters",
                Actions = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
                Resources = [LeaseTable.AttrArn],
                Conditions = LeadingKeys(access.LeaseLeadingKeys),
            }));
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Sid = "TableStreamRead", Actions = StreamReadActions, Resources = [$"{tableArn}/stream/*"] }));
            // The consumer finds the stream by the table's name (ListStreams), an action IAM grants on no resource but
            // "*": it returns stream ARNs, no data, and reading a stream still needs the statement above.
            role.AddToPolicy(new PolicyStatement(new PolicyStatementProps { Sid = "FindTheStream", Actions = ["dynamodb:ListStreams"], Resources = ["*"] }));
        }

        return role;
    }

    private static Dictionary<string, object> LeadingKeys(IReadOnlyList<string> prefixes) => new()
    {
        ["ForAllValues:StringLike"] = new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = prefixes.ToArray() },
    };

    private void AddAlarm(string id, string description, IMetric metric, double threshold, int evaluationPeriods, int datapointsToAlarm) =>
        Alarms.Add(new Alarm(this, id, new AlarmProps
        {
            AlarmDescription = description,
            Metric = metric,
            Threshold = threshold,
            EvaluationPeriods = evaluationPeriods,
            DatapointsToAlarm = datapointsToAlarm,
            ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            TreatMissingData = TreatMissingData.NOT_BREACHING,
        }));

    private static ListenerAction NotFound() =>
        ListenerAction.FixedResponse(404, new FixedResponseOptions { ContentType = "application/problem+json", MessageBody = """{"status":404,"title":"Not Found"}""" });

    private static string Pascal(string name) =>
        string.Concat(name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
