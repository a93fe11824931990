using System.CommandLine;
using Microservices.ServiceDefaults.Auth;
using Microsoft.Extensions.Configuration;

namespace Ops;

/// <summary>
/// <c>ops token</c>: a development token for the APIs, signed with the development key they were given
/// (<c>Auth__SigningKey</c>, or <c>--signing-key</c>). For local setups only: production tokens come from the identity
/// provider, and a production deployment holds no signing key.
/// </summary>
public static class TokenCommand
{
    public const int Refused = 2;

    public static Command Create()
    {
        var staff = new Option<bool>("--staff") { Description = "A staff user's token (catalog changes, shipping, any client's data)" };
        var client = new Option<string?>("--client") { Description = "A client's token: the client id is its subject" };
        var hours = new Option<int>("--hours") { Description = "How long the token is valid", DefaultValueFactory = _ => 12 };
        var key = new Option<string?>("--signing-key") { Description = "The development signing key (default: Auth__SigningKey)" };
        var command = new Command("token", "Print a development bearer token for the APIs, signed with their development key.") { staff, client, hours, key };
        command.SetAction(parse =>
        {
            var signingKey = parse.GetValue(key) ?? new ConfigurationBuilder().AddEnvironmentVariables().Build()["Auth:SigningKey"];
            var clientId = parse.GetValue(client);
            if (string.IsNullOrWhiteSpace(signingKey) || parse.GetValue(staff) == clientId is not null || parse.GetValue(hours) is < 1 or > 24 * 30)
            {
                Console.Error.WriteLine("Give the signing key (Auth__SigningKey or --signing-key), exactly one of --staff and --client ID, and --hours from 1 to 720.");
                return Refused;
            }

            var lifetime = TimeSpan.FromHours(parse.GetValue(hours));
            Console.WriteLine(clientId is null ? DevelopmentTokens.Staff(signingKey, lifetime) : DevelopmentTokens.Client(signingKey, clientId, lifetime));
            return 0;
        });
        return command;
    }
}
