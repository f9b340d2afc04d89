namespace MsRelapse.Core.Model;

/// <summary>
/// The one catalogue of input error codes (<see cref="InputError.Code"/>): those R0 gives when it refuses a record
/// and those the FHIR readers give when a Bundle cannot become one. Stable: a code never changes meaning once
/// shipped (the service's problem documents and the CLI's error line carry them).
/// </summary>
public static class InputErrorCodes
{
    // ---- R0 (clinical.md R0) -------------------------------------------------------------------------------------

    /// <summary>A value outside its possible range (an EDSS of 11, a hematocrit of 90 %).</summary>
    public const string OutOfRange = "value-out-of-range";

    /// <summary>An EDSS total that is not one of Kurtzke's half steps.</summary>
    public const string NotAKurtzkeStep = "not-a-kurtzke-step";

    /// <summary>A functional-system or ambulation score that is not a whole number.</summary>
    public const string NotAnInteger = "not-an-integer";

    /// <summary>
    /// A value the engine uses carries a unit it cannot be in (a dose in mL, an EDSS in kg). The FHIR readers use
    /// the same code for a score with a physical unit.
    /// </summary>
    public const string UnknownUnit = "unknown-unit";

    /// <summary>A hematocrit written as a fraction where a percentage is expected.</summary>
    public const string FractionNotPercent = "fraction-not-percent";

    /// <summary>Dates in an impossible order (an abatement before its onset).</summary>
    public const string DateOrder = "date-order";

    /// <summary>A birth date after the evaluation date.</summary>
    public const string BirthDateAfterAsOf = "birth-date-after-as-of";

    /// <summary>The input holds resources of more than one patient (R0 and the FHIR readers).</summary>
    public const string MultiplePatients = "multiple-patients";

    // ---- FHIR readers (fhir-profile.md) --------------------------------------------------------------------------

    /// <summary>The input is not well-formed JSON (or is empty).</summary>
    public const string ParseError = "fhir-parse-error";

    /// <summary>The input is JSON but not a FHIR Bundle.</summary>
    public const string NotABundle = "not-a-bundle";

    /// <summary>A value the pathway reads is present but not valid FHIR (a date, a number).</summary>
    public const string InvalidValue = "fhir-invalid-value";

    /// <summary>The Bundle holds no Patient: there is no one to evaluate (fhir-profile.md).</summary>
    public const string NoPatient = "no-patient";
}
