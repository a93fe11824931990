using Microservices.Shared.Dynamo;
using Microservices.Shared.EventSourcing;
using Microservices.Shared.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Scalar.AspNetCore;

namespace Microservices.Shared.Web;

public static class ServiceDefaults
{
    /// <summary>What every service has: ProblemDetails for every error, health, OpenAPI, telemetry, the DynamoDB client.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.Services.Configure<JsonOptions>(json =>
        {
            // Unknown members are a client's typo; say so instead of silently dropping the value.
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });
        builder.Services.AddDynamoDb();
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
