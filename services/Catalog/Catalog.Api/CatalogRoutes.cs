using Microservices.Shared.EventSourcing;
using Microservices.Shared.Web;

namespace Catalog.Api;

public static class CatalogRoutes
{
    /// <summary>An id that we could never have issued names nothing: 404, the same as an unknown one.</summary>
    public static void RequireId(string id, string resource)
    {
        if (!Ids.IsValid(id))
        {
            throw new NotFoundException(resource, id);
        }
    }
}
