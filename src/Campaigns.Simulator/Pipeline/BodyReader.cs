using System.Buffers;
using System.Text;

namespace Campaigns.Simulator.Pipeline;

/// <summary>Reads a request body up to a limit, so a huge (or endless chunked) body is never buffered.</summary>
internal static class BodyReader
{
    /// <summary>The body as UTF-8 text, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    public static async Task<string?> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        // One pooled buffer of the limit's size (plus one byte to notice an overflow): no per-request garbage.
        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    return null;
                }
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
