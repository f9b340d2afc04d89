using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
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

    /// <summary>The 415 answer's title, whether the endpoint or routing refuses the media type.</summary>
    public const string UnsupportedMediaTypeTitle = "Send FHIR JSON.";

    /// <summary>The 415 answer's detail: the media types accepted.</summary>
    public const string UnsupportedMediaTypeDetail = "Content-Type must be application/fhir+json or application/json (UTF-8).";

    /// <summary>The body as text (see <see cref="ReadUtf8Async"/>), or the problem that stops it.</summary>
    public static async Task<Outcome<string>> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var read = await ReadUtf8Async(request, maxBytes, cancellationToken).ConfigureAwait(false);
        return read.TryGet(out var utf8, out var problem) ? Outcome<string>.Ok(Encoding.UTF8.GetString(utf8)) : problem;
    }

    /// <summary>
    /// The body as UTF-8 bytes (byte-order mark removed), or the problem that stops it: media type, size limit, strict
    /// UTF-8, and the <see cref="JsonGuard"/> (no duplicate keys, no lone surrogates). The body stays UTF-8 for the FHIR
    /// reader's byte entry point, which would otherwise encode decoded text back to UTF-8.
    /// </summary>
    public static async Task<Outcome<byte[]>> ReadUtf8Async(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsFhirJson(request.ContentType))
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                UnsupportedMediaTypeTitle, UnsupportedMediaTypeDetail);
        }

        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        byte[] bytes;
        try
        {
            bytes = await ReadLimitedAsync(request.Body, request.ContentLength, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(maxBytes);
        }
        catch (BadHttpRequestException)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "The request body could not be read.");
        }

        if (bytes.LongLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        if (bytes.Length == 0)
        {
            return ParseError("The request body is empty; send a FHIR resource as JSON.");
        }

        // Strict UTF-8: invalid bytes are refused, never replaced (checked without decoding).
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return ParseError("The request body is not valid UTF-8.");
        }

        var json = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[3..] : bytes;
        if (JsonGuard.Check(json) is { } finding)
        {
            var error = new ProblemError(finding.Code, finding.Message, null, finding.Path);
            return finding.Code == ProblemCodes.DuplicateKey
                ? Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.DuplicateKey, "The body repeats a JSON key.", finding.Message, [error])
                : ParseError(finding.Message, [error]);
        }

        // Every FHIR resource is a JSON object: say so for any other JSON value, rather than letting the FHIR reader
        // fail on it with an exception's name.
        if (MsRelapse.Fhir.JsonRoot.NotAnObject(json) is { } what)
        {
            var message = $"The body is {what}, not a FHIR resource: send a JSON object with \"resourceType\" (a whole record is {{\"resourceType\": \"Bundle\", …}}).";
            return ParseError(message, [new ProblemError(ProblemCodes.FhirParseError, message, null, null)]);
        }

        return Outcome<byte[]>.Ok(json);
    }
    /// <summary>A 400 <c>fhir-parse-error</c> problem.</summary>
    public static ProblemHttpResult ParseError(string detail, IEnumerable<ProblemError>? errors = null) =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.FhirParseError, "The body is not a readable FHIR resource.", detail, errors);

    private static ProblemHttpResult TooLarge(long maxBytes) =>
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
