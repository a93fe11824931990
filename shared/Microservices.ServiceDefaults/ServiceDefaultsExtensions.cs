using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scalar.AspNetCore;

namespace Microservices.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every host has, API or worker: telemetry, health checks, the DynamoDB client.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTelemetry();
        builder.Services.AddHealthChecks();
        builder.Services.AddDynamoDb();
        return builder;
    }

    /// <summary>
    /// The service defaults and what every HTTP API adds: ProblemDetails for every error, OpenAPI, strict JSON
    /// bodies, the event store. <see cref="MapDefaultEndpoints"/> maps their endpoints.
    /// </summary>
    public static WebApplicationBuilder AddApiDefaults(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.Configure<JsonOptions>(json =>
        {
            // Unknown members are a client's typo; say so instead of silently dropping the value.
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        builder.Services.AddSingleton<EventStore>();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthChecks("/health");
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
