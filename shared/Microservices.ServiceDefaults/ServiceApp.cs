using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microservices.ServiceDefaults.Limits;
using Microsoft.OpenApi;

namespace Microservices.ServiceDefaults;

/// <summary>
/// One HTTP service: its name (in its idempotency keys), its default port, its registrations and its route groups.
/// The type also names the service's assembly to the tests' <c>WebApplicationFactory&lt;TService&gt;</c>.
/// </summary>
public interface IServiceModule
{
    static abstract string Name { get; }

    static abstract int DefaultPort { get; }

    static abstract void Add(WebApplicationBuilder builder);

    static abstract void Map(IEndpointRouteBuilder app);
}

/// <summary>Every API is built the same way, from its own Program and from the one-process host alike.</summary>
public static class ServiceApp
{
    /// <param name="configure">Last registrations of a host that runs the service (<c>ops host</c> adds its faults here).</param>
    public static WebApplication Build<TService>(string[] args, Action<WebApplicationBuilder>? configure = null)
        where TService : IServiceModule
    {
        // Named explicitly: hosted by the one-process AppHost, the entry assembly would otherwise name the service.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(TService).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? $"http://127.0.0.1:{TService.DefaultPort}");
        // No Server header: it tells an attacker which server and version to look up.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Kestrel's own header limit is the backstop behind HeaderLimit, which answers with a ProblemDetails.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimits>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestHeadersTotalSize = Math.Max(kestrel.Limits.MaxRequestHeadersTotalSize, 2 * limits.Value.MaxHeaderBytes));
        builder.AddApiDefaults();                          // ProblemDetails, health, OpenAPI, telemetry, DynamoDB, event store
        builder.Services.AddIdempotentCreates(TService.Name);
        TService.Add(builder);                             // this service: aggregates, mediator
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        TService.Map(app);                                 // one route group per resource
        return app;
    }

    /// <summary>A resource's route group: its OpenAPI tag, and the one validation filter every endpoint of it runs.</summary>
    public static RouteGroupBuilder MapResource(this IEndpointRouteBuilder app, string prefix, string tag)
    {
        var group = app.MapGroup(prefix);
        group.WithTags(tag).AddEndpointFilter<ValidationFilter>().ProducesValidationProblem();
        return group;
    }

    /// <summary>The 404 and 409 every command on an existing resource can answer.</summary>
    public static RouteHandlerBuilder ProducesCommandProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

    /// <summary>
    /// A create that takes an Idempotency-Key: the header in its OpenAPI operation, and what it can answer besides its
    /// own: 409 while the key's first request is in progress, 422 when the key is reused with another request.
    /// </summary>
    public static RouteHandlerBuilder ProducesIdempotencyProblems(this RouteHandlerBuilder endpoint) =>
        endpoint
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKey.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = $"Makes the create safe to retry: 1 to {IdempotencyKey.MaxLength} printable ASCII characters.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyKey.MaxLength },
                });
                return Task.CompletedTask;
            });
}
