using Microservices.EventSourcing;
using Microservices.SingleTable;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microservices.ServiceDefaults.Auth;
using Microservices.ServiceDefaults.Limits;
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
    /// The service defaults and what every HTTP API adds: ProblemDetails for every error, bearer tokens, request limits
    /// and a rate per caller, OpenAPI, strict JSON bodies, the event store. <see cref="MapDefaultEndpoints"/> maps their endpoints.
    /// </summary>
    public static WebApplicationBuilder AddApiDefaults(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.AddApiAuthentication();
        builder.Services.AddOptions<RequestLimits>()
            .Bind(builder.Configuration.GetSection(RequestLimits.Section))
            .Validate(limits => limits.IsValid(), "Every Limits setting must be a positive number.")
            .ValidateOnStart();
        builder.Services.AddCallerRateLimit();
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSecurityScheme>());
        builder.Services.Configure<JsonOptions>(json =>
        {
            // Unknown members are a client's typo; say so instead of silently dropping the value.
            json.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            // {"price": 1, "Price": 2} is two answers to one question: refuse it rather than let the last one win.
            json.SerializerOptions.AllowDuplicateProperties = false;
        });
        // A body that cannot be bound reaches ProblemExceptionHandler, which names the field, instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddSingleton<EventStore>();
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<HeaderLimit>();
        app.UseAuthentication();
        // After authentication, so that a caller with a token is limited by who they are, not where they call from;
        // before the body is read, so that a refused caller costs no more than its headers.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<JsonContentType>();
        app.UseMiddleware<BodyLimits>();
        // GET and HEAD only: a POST or DELETE on /health is a 405, not a health answer.
        app.MapHealthChecks("/health").AllowAnonymous().WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        app.MapOpenApi().AllowAnonymous();
        // The page loads nothing from another origin (its CSP allows none): no fonts from Scalar's CDN, no telemetry, no
        // AI agent, no developer toolbar that calls out.
        app.MapScalarApiReference(page => page
                .AddPreferredSecuritySchemes(BearerSecurityScheme.Name)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools())
            .AllowAnonymous();
        return app;
    }
}
