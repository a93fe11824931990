using Microservices.ServiceDefaults.Auth;

namespace Microservices.Tests.Security.Fuzz;

/// <summary>Who a generated request is sent as: a token of each kind the APIs meet, valid or not.</summary>
public static class FuzzCallers
{
    public const string Staff = "staff";
    public const string Caller = "caller";                 // the seeded client the fuzz acts as
    public const string Victim = "victim";                 // only ever used to list the victim's own orders, for a cursor
    public const string Stranger = "stranger";             // a valid client token whose client does not exist
    public const string Anonymous = "anonymous";
    public const string Forged = "forged";                 // the caller's subject, signed with another key
    public const string Expired = "expired";
    public const string WrongAudience = "wrong-audience";
    public const string Garbage = "garbage";

    /// <summary>The callers the generator draws from, by weight (a valid token most often, so most requests get past authentication); never the victim.</summary>
    public static IReadOnlyList<(int Weight, string Caller)> Drawn { get; } =
        [(8, Staff), (8, Caller), (2, Stranger), (2, Anonymous), (1, Forged), (1, Expired), (1, WrongAudience), (1, Garbage)];

    /// <summary>Callers whose every request must be refused as unauthenticated.</summary>
    public static bool IsUnauthenticated(string caller) => caller is Anonymous or Forged or Expired or WrongAudience or Garbage;

    public static string? Token(string caller, FuzzPool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return caller switch
        {
            Staff => TestTokens.Staff,
            Caller => TestTokens.Client(pool.Caller.ClientId),
            Victim => TestTokens.Client(pool.Victim.ClientId),
            Stranger => StrangerToken,
            Forged => ForgedToken(pool.Caller.ClientId),
            Expired => DevelopmentTokens.Issue(TestTokens.SigningKey, pool.Caller.ClientId, ["client"], TimeSpan.FromMinutes(5), notBefore: DateTime.UtcNow.AddHours(-1)),
            WrongAudience => DevelopmentTokens.Issue(TestTokens.SigningKey, pool.Caller.ClientId, ["client"], audience: "another-api"),
            Garbage => "not.a.token",
            _ => null,
        };
    }

    private static readonly string StrangerToken = TestTokens.Client(Ids.New());

    private static readonly string OtherKey = DevelopmentTokens.NewSigningKey();

    /// <summary>Claims staff too: only the signature gives it away.</summary>
    private static string ForgedToken(string subject) => DevelopmentTokens.Issue(OtherKey, subject, ["client", "staff"]);
}
