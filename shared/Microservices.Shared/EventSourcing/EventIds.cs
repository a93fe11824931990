using System.Security.Cryptography;
using System.Text;

namespace Microservices.Shared.EventSourcing;

/// <summary>
/// A stored event's id, computed from its stream and version, so every publish of the same event (a retried batch,
/// a re-read shard) carries the same MessageId and a duplicate can be recognised as one.
/// </summary>
public static class EventIds
{
    public static Guid For(string streamType, string streamId, long version)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{streamType}\n{streamId}\n{version}"), hash);
        var bytes = hash[..16];
        // RFC 9562 version 8 (custom, here name-based over SHA-256) with the RFC variant, so it is a well-formed UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
