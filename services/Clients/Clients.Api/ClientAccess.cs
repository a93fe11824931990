namespace Clients.Api;

public static class ClientAccess
{
    /// <summary>
    /// The loaded client, if <paramref name="caller"/> may act for it (staff, or the client themselves); otherwise the
    /// same 404 as a client that does not exist, before anything is decided, so no version or rule answer can tell.
    /// </summary>
    public static Client Own(this Caller caller, Client state)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(state);
        caller.RequireOwner(state.ClientId, "Client", state.ClientId);
        return state;
    }
}
