namespace Microservices.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it until a deadline: copies converge asynchronously, never by a fixed sleep.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        var last = await read();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what ?? "the condition"}; last value: {last}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
            last = await read();
        }

        return last;
    }
}
