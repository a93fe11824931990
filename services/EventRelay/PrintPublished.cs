using System.Text.Json;
using MassTransit;

namespace EventRelay;

/// <summary>
/// For the handle command: one line on standard error per contract published, <c>published {type} {messageId} {json}</c>,
/// so a stream event file shows what the relay makes of it while standard output stays Lambda's response.
/// </summary>
internal sealed class PrintPublished : IPublishObserver
{
    public const string Prefix = "published ";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class =>
        Console.Error.WriteLineAsync($"{Prefix}{typeof(T).Name} {context.MessageId} {JsonSerializer.Serialize(context.Message, Json)}");

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class => Task.CompletedTask;
}
