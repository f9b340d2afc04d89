using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Reads a FHIR JSON request body: checks the media type (<c>application/fhir+json</c> or <c>application/json</c>,
/// fhir-profile.md), enforces the size limit whatever the transport says, and decodes strict UTF-8.
/// </summary>
public static class FhirBody
{
    /// <summary>Media type of FHIR JSON.</summary>
    public const string FhirJson = "application/fhir+json";

    /// <summary>The body as text, or the problem that stops it.</summary>
    public readonly record struct Result(string? Text, IResult? Problem);

    /// <summary>The body as UTF-8 bytes (checked valid, byte-order mark removed), or the problem that stops it.</summary>
#pragma warning disable CA1819 // The request body, handed on to the FHIR reader as it is.
    public readonly record struct Utf8Result(byte[]? Utf8, IResult? Problem);
#pragma warning restore CA1819

    public static async Task<Result> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var read = await ReadUtf8Async(request, maxBytes, cancellationToken).ConfigureAwait(false);
        return read.Utf8 is { } utf8 ? new(Encoding.UTF8.GetString(utf8), null) : new(null, read.Problem);
    }

    /// <summary>
    /// As <see cref="ReadAsync"/> (same checks, same problems), but the body stays UTF-8: for the FHIR reader's byte
    /// entry point, which would otherwise encode the decoded text back to UTF-8.
    /// </summary>
    public static async Task<Utf8Result> ReadUtf8Async(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsFhirJson(request.ContentType))
        {
            return new(null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Send FHIR JSON.", "Content-Type must be application/fhir+json or application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return new(null, TooLarge(maxBytes));
        }

        byte[] bytes;
        try
        {
            bytes = await ReadLimitedAsync(request.Body, request.ContentLength, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, TooLarge(maxBytes));
        }
        catch (BadHttpRequestException)
        {
            return new(null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "The request body could not be read."));
        }

        if (bytes.LongLength > maxBytes)
        {
            return new(null, TooLarge(maxBytes));
        }

        if (bytes.Length == 0)
        {
            return new(null, ParseError("The request body is empty; send a FHIR resource as JSON."));
        }

        // Strict UTF-8: invalid bytes are refused, never replaced (checked without decoding).
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return new(null, ParseError("The request body is not valid UTF-8."));
        }

        return new(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[3..] : bytes, null);
    }

    /// <summary>A 400 <c>fhir-parse-error</c> problem.</summary>
    public static IResult ParseError(string detail, IEnumerable<ProblemError>? errors = null) =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.FhirParseError, "The body is not a readable FHIR resource.", detail, errors);

    private static IResult TooLarge(long maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The request body is too large.",
            $"The limit is {maxBytes} bytes (serve --max-body-mb).");

    private static bool IsFhirJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var media = parsed.MediaType.Value;
        var charset = parsed.Charset.Value;
        var mediaOk = string.Equals(media, FhirJson, StringComparison.OrdinalIgnoreCase)
            || string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase);
        return mediaOk && (charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength is { } length && length <= maxBytes)
        {
            // The usual case: the length is announced (and enforced by the server), so read straight into an array of
            // that size instead of a growing MemoryStream copied out at the end.
            var exact = new byte[length];
            var filled = 0;
            while (filled < exact.Length)
            {
                var n = await body.ReadAsync(exact.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return exact[..filled];
                }

                filled += n;
            }

            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                // Stop reading at once: a client streaming gigabytes should cost us no more than the limit.
                break;
            }
        }

        return buffer.ToArray();
    }
}
