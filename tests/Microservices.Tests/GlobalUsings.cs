// The services under test, each hosted the one way (ServiceApi over its IServiceModule).
global using CatalogApi = Microservices.Tests.Infrastructure.ServiceApi<Catalog.Api.CatalogService>;
global using ClientsApi = Microservices.Tests.Infrastructure.ServiceApi<Clients.Api.ClientsService>;
global using OrdersApi = Microservices.Tests.Infrastructure.ServiceApi<Orders.Api.OrdersService>;
