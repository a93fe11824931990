namespace Orders.Api;

/// <summary>
/// The entry point, written out rather than as top-level statements: those would make a public global Program
/// that clashes with Catalog's wherever both services are referenced (the one-process host, the tests).
/// </summary>
internal static class OrdersProgram
{
    public static Task Main(string[] args) => OrdersApp.Build(args).RunAsync();
}
