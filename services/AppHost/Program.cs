using AppHost;

// The one-command run, the way eShop runs: DynamoDB Local and a RabbitMQ node as executables, the tables made by
// 'ops bootstrap', every service a process of its own on the broker, the dashboard with their logs, traces and
// metrics, and a few authors, books, clients and orders seeded through the APIs once they answer.
var builder = DistributedApplication.CreateBuilder(args);
var ports = LocalPorts.From(builder.Configuration);

// Tokens: a development signing key, made on the first run and kept outside the repository (Auth__SigningKey gives
// one instead); production names an identity provider (Auth__Authority) and never holds a key.
var signingKey = builder.Configuration["Auth:SigningKey"]
    ?? Microservices.ServiceDefaults.Auth.DevelopmentTokens.LoadOrCreateKey(builder.Configuration["Auth:KeyFile"] ?? DevelopmentKey.DefaultFile);

var system = SystemResources.Add(builder, ports, signingKey);
SeedWhenReady.Subscribe(builder, system, signingKey);

builder.Build().Run();
