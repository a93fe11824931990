namespace Microservices.Migrations;

/// <summary>The runner will not do what was asked, and says why (an unknown version, a second runner...). Nothing was written.</summary>
public sealed class MigrationRefusedException(string message) : Exception(message);

/// <summary>Another runner took this run's lease (this one was paused past its lease); the run stops where it is.</summary>
public sealed class MigrationLeaseLostException(string message) : Exception(message);
