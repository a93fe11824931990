// The services under test, each hosted the one way (ServiceApi over its IServiceModule).
global using CatalogApi = Microservices.Tests.Infrastructure.ServiceApi<Catalog.Api.CatalogService>;
global using ClientsApi = Microservices.Tests.Infrastructure.ServiceApi<Clients.Api.ClientsService>;
global using OrdersApi = Microservices.Tests.Infrastructure.ServiceApi<Orders.Api.OrdersService>;

// What nearly every test class uses.
global using System.Net;
global using System.Text.Json.Nodes;
global using Microservices.EventSourcing;
global using Microservices.Schema;
global using Microservices.SingleTable;
global using Microservices.Tests.Infrastructure;
global using Microsoft.Extensions.DependencyInjection;
global using Microsoft.Extensions.Hosting;
global using Amazon.DynamoDBv2.Model;
global using MassTransit;
global using Microservices.Streams;
global using Microservices.Tests.Catalog;
global using Ops;
