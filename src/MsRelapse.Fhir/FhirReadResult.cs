using MsRelapse.Core.Model;

namespace MsRelapse.Fhir;

/// <summary>The outcome of reading a FHIR Bundle: the record (when it could be built) and every problem found.</summary>
/// <param name="Record">
/// The patient's record; null when the input could not be read at all. With the error <c>no-patient</c> the input
/// was read but names no one to evaluate: the record then holds only the patient id its resources name, if any.
/// </param>
/// <param name="Errors">Reading errors (parse errors, several patients, unreadable values the pathway needs).</param>
public sealed record FhirReadResult(PatientRecord? Record, IReadOnlyList<InputError> Errors)
{
    /// <summary>True when a record was built and nothing was wrong.</summary>
    public bool IsValid => Record is not null && Errors.Count == 0;

    /// <summary>A result of one error about the whole input.</summary>
    internal static FhirReadResult Fail(string code, string message) =>
        new(null, [new InputError(code, message, new SourceRef("Bundle"))]);
}

/// <summary>Stable error codes of the FHIR readers (from the one catalogue, <see cref="InputErrorCodes"/>).</summary>
public static class FhirErrorCodes
{
    /// <summary>The input is not well-formed JSON (or is empty).</summary>
    public const string ParseError = InputErrorCodes.ParseError;

    /// <summary>The input is JSON but not a FHIR Bundle.</summary>
    public const string NotABundle = InputErrorCodes.NotABundle;

    /// <summary>The Bundle holds resources of more than one patient.</summary>
    public const string MultiplePatients = InputErrorCodes.MultiplePatients;

    /// <summary>A value the pathway reads is present but not valid FHIR (a date, a number).</summary>
    public const string InvalidValue = InputErrorCodes.InvalidValue;

    /// <summary>
    /// A value the engine uses carries a unit it cannot be in (clinical.md R0): an EDSS, FS or ambulation score
    /// with a physical unit. The same code as the engine's R0 unit errors.
    /// </summary>
    public const string UnknownUnit = InputErrorCodes.UnknownUnit;

    /// <summary>The Bundle holds no Patient: there is no one to evaluate.</summary>
    public const string NoPatient = InputErrorCodes.NoPatient;
}
