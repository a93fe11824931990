using Catalog.Worker;
using Microservices.Shared.Dynamo;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddDynamoDb();
builder.Services.AddGenreCopies();
await builder.Build().RunAsync();
