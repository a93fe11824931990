namespace AppHost;

public static class DevelopmentKey
{
    /// <summary>
    /// Where the one-command run keeps its development signing key: the user's configuration folder
    /// (~/.config/microservices on Linux), outside any checkout, so it is never committed and survives a restart.
    /// </summary>
    public static string DefaultFile { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "microservices", "dev-signing-key");
}
