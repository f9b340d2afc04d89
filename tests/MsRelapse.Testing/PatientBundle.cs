using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static MsRelapse.Testing.FhirCodes;
using MsCourse = MsRelapse.Core.Model.MsCourse;

namespace MsRelapse.Testing;

/// <summary>Raw Kurtzke functional systems and the Neurostatus ambulation score for one EDSS observation.
/// Values are doubles so that R0 tests can write impossible ones (a non-integer is written as a Quantity).</summary>
public sealed record Fs(
    double? Visual = 0,
    double? Brainstem = 0,
    double? Pyramidal = 0,
    double? Cerebellar = 0,
    double? Sensory = 0,
    double? BowelBladder = 0,
    double? Cerebral = 0,
    double? Ambulation = 0);

/// <summary>
/// A fluent builder of one patient's FHIR R4 Bundle, coded exactly as <c>shared/fhir-profile.md</c> reads it.
/// Every method adds one resource (or one per day for steroid courses) and returns the builder; <see cref="Id"/>,
/// <see cref="EnteredInError"/> and <see cref="Refuted"/> change the resource added last.
/// </summary>
public sealed class PatientBundle
{
    private const string PatientId = "p1";
    private readonly Patient _patient = new() { Id = PatientId };
    private readonly List<Resource> _resources = [];
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>Starts a bundle for a patient evaluated at <paramref name="asOf"/> (ages are counted back from it).</summary>
    public PatientBundle(DateOnly asOf) => AsOf = asOf;

    /// <summary>The evaluation date the ages were computed for.</summary>
    public DateOnly AsOf { get; }

    private static ResourceReference Subject => new("Patient/" + PatientId);

    private Resource Last => _resources.Count > 0 ? _resources[^1] : _patient;

    // ---------------------------------------------------------------- patient

    /// <summary>A woman of <paramref name="age"/> completed years at <see cref="AsOf"/> (birthday two months ago).</summary>
    public PatientBundle Female(int age) => Gender(AdministrativeGender.Female).BornOn(AsOf.AddYears(-age).AddMonths(-2));

    /// <summary>A man of <paramref name="age"/> completed years at <see cref="AsOf"/> (birthday two months ago).</summary>
    public PatientBundle Male(int age) => Gender(AdministrativeGender.Male).BornOn(AsOf.AddYears(-age).AddMonths(-2));

    public PatientBundle Gender(AdministrativeGender? gender)
    {
        _patient.Gender = gender;
        return this;
    }

    public PatientBundle BornOn(DateOnly birthDate)
    {
        _patient.BirthDate = Fhir(birthDate);
        return this;
    }

    /// <summary>A birth date as written, possibly partial (<c>1961</c>, <c>2008-06</c>): FHIR allows a year or a month.</summary>
    public PatientBundle BornIn(string birthDate)
    {
        _patient.BirthDate = birthDate;
        return this;
    }

    public PatientBundle NoBirthDate()
    {
        _patient.BirthDate = null;
        return this;
    }

    /// <summary><c>deceasedBoolean</c> true.</summary>
    public PatientBundle Deceased()
    {
        _patient.Deceased = new FhirBoolean(true);
        return this;
    }

    /// <summary><c>deceasedDateTime</c>.</summary>
    public PatientBundle DeceasedOn(When when)
    {
        _patient.Deceased = new FhirDateTime(when.Fhir);
        return this;
    }

    // ---------------------------------------------------------------- conditions

    /// <summary>The MS diagnosis (SNOMED 24700007 / 426373005 / 425500002 / 428700003).</summary>
    public PatientBundle Ms(MsCourse course = MsCourse.RelapsingRemitting) => MsCoded(Snomed, course switch
    {
        MsCourse.RelapsingRemitting => Rrms,
        MsCourse.SecondaryProgressive => Spms,
        MsCourse.PrimaryProgressive => Ppms,
        _ => MsUnspecified,
    });

    /// <summary>An MS diagnosis with any code (e.g. ICD-10-CM G35.C1 for SPMS).</summary>
    public PatientBundle MsCoded(string system, string code) =>
        AddCondition("ms", system, code, "Multiple sclerosis", new DateOnly(2018, 2, 22), null, "active");

    /// <summary>An RRMS diagnosis with no onset, only a <c>recordedDate</c> (the date it was entered).</summary>
    public PatientBundle MsRecordedWithoutOnset(DateOnly recorded)
    {
        AddCondition("ms", Snomed, Rrms, "Multiple sclerosis", null, null, "active");
        ((Condition)Last).RecordedDate = recorded.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return this;
    }

    /// <summary>A relapse record (SNOMED 192929006) with <c>onsetDateTime</c> and optional <c>abatementDateTime</c>.</summary>
    public PatientBundle Relapse(When onset, When? abatement = null, string? clinicalStatus = "active") =>
        AddCondition("relapse", Snomed, FhirCodes.Relapse, "Exacerbation of multiple sclerosis", onset, abatement,
            abatement is null ? clinicalStatus : "resolved");

    /// <summary>A relapse record whose only onset is <c>onsetPeriod.start</c>.</summary>
    public PatientBundle RelapseWithOnsetPeriod(When start)
    {
        AddCondition("relapse", Snomed, FhirCodes.Relapse, "Exacerbation of multiple sclerosis", null, null, "active");
        ((Condition)Last).Onset = new Period { Start = start.Fhir };
        return this;
    }

    /// <summary>A relapse record with no onset at all (R1: ignored, missing data <c>relapse-onset</c>).</summary>
    public PatientBundle RelapseWithoutOnset() =>
        AddCondition("relapse", Snomed, FhirCodes.Relapse, "Exacerbation of multiple sclerosis", null, null, "active");

    /// <summary>A relapse record with clinicalStatus resolved but no abatement date (R1: resolved at an unknown date).</summary>
    public PatientBundle RelapseResolvedWithoutDate(When onset) =>
        AddCondition("relapse", Snomed, FhirCodes.Relapse, "Exacerbation of multiple sclerosis", onset, null, "resolved");

    /// <summary>An infection condition (SNOMED code, default infectious disease) dated by its onset.</summary>
    public PatientBundle Infection(When? onset, When? abatement = null, string code = InfectiousDisease, string display = "Infectious disease") =>
        AddCondition("infection", Snomed, code, display, onset, abatement, abatement is null ? "active" : "resolved");

    public PatientBundle Uti(When? onset, When? abatement = null) => Infection(onset, abatement, FhirCodes.Uti, "Urinary tract infection");

    public PatientBundle Pneumonia(When? onset, When? abatement = null) => Infection(onset, abatement, FhirCodes.Pneumonia, "Pneumonia");

    public PatientBundle Sepsis(When? onset, When? abatement = null) => Infection(onset, abatement, FhirCodes.Sepsis, "Sepsis");

    /// <summary>Fever as a condition (SNOMED 386661006), dated by its onset.</summary>
    public PatientBundle FeverCondition(When onset) =>
        AddCondition("fever", Snomed, FhirCodes.FeverCondition, "Fever", onset, null, "active");

    public PatientBundle Diabetes(string code = Type2Diabetes) =>
        AddCondition("diabetes", Snomed, code, "Diabetes mellitus", new DateOnly(2015, 3, 1), null, "active");

    /// <summary>Diabetes coded in any system, e.g. ICD-10 E11.9 (fhir-profile.md: SNOMED codes or ICD-10 E10–E14).</summary>
    public PatientBundle DiabetesCoded(string system, string code) =>
        AddCondition("diabetes", system, code, "Diabetes mellitus", new DateOnly(2015, 3, 1), null, "active");

    /// <summary>Psychiatric history (counts whatever its clinical status).</summary>
    public PatientBundle PsychiatricHistory(string code = Bipolar, string clinicalStatus = "active") =>
        AddCondition("psych", Snomed, code, "Bipolar disorder", new DateOnly(2010, 6, 1), null, clinicalStatus);

    public PatientBundle PepticUlcer() =>
        AddCondition("ulcer", Snomed, FhirCodes.PepticUlcer, "Peptic ulcer", new DateOnly(2024, 1, 10), null, "active");

    /// <summary>An NMOSD diagnosis (ICD-10 G36.0).</summary>
    public PatientBundle NmosdDiagnosis() =>
        AddCondition("nmosd", Icd10, "G36.0", "Neuromyelitis optica", new DateOnly(2025, 1, 10), null, "active");

    /// <summary>A pregnancy condition (SNOMED 77386006), not abated unless said.</summary>
    public PatientBundle PregnancyCondition(When onset, When? abatement = null) =>
        AddCondition("pregnancy", Snomed, Pregnant, "Patient currently pregnant", onset, abatement, abatement is null ? "active" : "resolved");

    // ---------------------------------------------------------------- EDSS

    /// <summary>An EDSS assessment with a recorded total only (SNOMED 273554001, unitless <c>{score}</c>).</summary>
    public PatientBundle Edss(When when, double total, bool msrCode = false) => EdssFs(when, null, total, msrCode);

    /// <summary>An EDSS assessment with functional-system components (MSR codes) and an optional total.</summary>
    public PatientBundle EdssFs(When when, Fs? fs, double? total = null, bool msrCode = false)
    {
        var obs = NewObservation("edss", msrCode ? Msr : Snomed, msrCode ? "edss" : FhirCodes.Edss, "Kurtzke multiple sclerosis rating scale", when);
        obs.Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey")];
        if (total is { } t)
        {
            obs.Value = new Quantity { Value = (decimal)t, System = Ucum, Code = "{score}" };
        }

        if (fs is not null)
        {
            void Add(string code, double? value)
            {
                if (value is not { } v)
                {
                    return;
                }

                DataType fhirValue = v == Math.Floor(v)
                    ? new Integer((int)v)
                    : new Quantity { Value = (decimal)v, System = Ucum, Code = "{score}" };
                obs.Component.Add(new Observation.ComponentComponent { Code = new CodeableConcept(Msr, code), Value = fhirValue });
            }

            Add("visual", fs.Visual);
            Add("brainstem", fs.Brainstem);
            Add("pyramidal", fs.Pyramidal);
            Add("cerebellar", fs.Cerebellar);
            Add("sensory", fs.Sensory);
            Add("bowel-bladder", fs.BowelBladder);
            Add("cerebral", fs.Cerebral);
            Add("ambulation", fs.Ambulation);
        }

        return Add(obs);
    }

    // ---------------------------------------------------------------- measurements

    /// <summary>Any numeric observation. <paramref name="ucum"/> false writes the unit as free text (<c>Quantity.unit</c> only).</summary>
    public PatientBundle Measurement(string loinc, When when, double? value, string? unit, bool ucum = true, string prefix = "obs")
    {
        var obs = NewObservation(prefix, Loinc, loinc, null, when);
        var q = new Quantity { Value = value is { } v ? (decimal)v : null };
        if (unit is not null)
        {
            q.Unit = unit;
            if (ucum)
            {
                q.System = Ucum;
                q.Code = unit;
            }
        }

        obs.Value = q;
        return Add(obs);
    }

    /// <summary>Body weight (UCUM kg, g or [lb_av]).</summary>
    public PatientBundle Weight(When when, double value, string unit = "kg") => Measurement(FhirCodes.Weight, when, value, unit, prefix: "weight");

    /// <summary>Body height (UCUM cm, m or [in_i]).</summary>
    public PatientBundle Height(When when, double value, string unit = "cm") => Measurement(FhirCodes.Height, when, value, unit, prefix: "height");

    /// <summary>Hematocrit (UCUM %, or a fraction with 1 or L/L).</summary>
    public PatientBundle Hematocrit(When when, double value, string unit = "%") => Measurement(FhirCodes.Hematocrit, when, value, unit, prefix: "hct");

    /// <summary>Body temperature (UCUM Cel or [degF]).</summary>
    public PatientBundle Temperature(When when, double value, string unit = "Cel") => Measurement(FhirCodes.Temperature, when, value, unit, prefix: "temp");

    /// <summary>Total calcium in mg/dL.</summary>
    public PatientBundle Calcium(When when, double mgPerDl) => Measurement(FhirCodes.Calcium, when, mgPerDl, "mg/dL", prefix: "calcium");

    /// <summary>Total calcium in mmol/L (× 4.008 = mg/dL).</summary>
    public PatientBundle CalciumMmol(When when, double mmolPerL) => Measurement(FhirCodes.Calcium, when, mmolPerL, "mmol/L", prefix: "calcium");

    /// <summary>Fibrinogen in mg/dL.</summary>
    public PatientBundle Fibrinogen(When when, double mgPerDl) => Measurement(FhirCodes.Fibrinogen, when, mgPerDl, "mg/dL", prefix: "fibrinogen");

    /// <summary>Fibrinogen in g/L (× 100 = mg/dL).</summary>
    public PatientBundle FibrinogenGPerL(When when, double gPerL) => Measurement(FhirCodes.Fibrinogen, when, gPerL, "g/L", prefix: "fibrinogen");

    public PatientBundle HbA1c(When when, double percent) => Measurement(FhirCodes.HbA1c, when, percent, "%", prefix: "hba1c");

    /// <summary>Systolic pressure: as the BP panel 85354-9 with component 8480-6 (default), or 8480-6 alone.</summary>
    public PatientBundle SystolicBp(When when, double mmHg, bool panel = true)
    {
        if (!panel)
        {
            return Measurement(Systolic, when, mmHg, "mm[Hg]", prefix: "bp");
        }

        var obs = NewObservation("bp", Loinc, BpPanel, "Blood pressure panel", when);
        obs.Component.Add(new Observation.ComponentComponent
        {
            Code = Cc(Loinc, Systolic, "Systolic blood pressure"),
            Value = new Quantity { Value = (decimal)mmHg, Unit = "mm[Hg]", System = Ucum, Code = "mm[Hg]" },
        });
        obs.Component.Add(new Observation.ComponentComponent
        {
            Code = Cc(Loinc, "8462-4", "Diastolic blood pressure"),
            Value = new Quantity { Value = (decimal)Math.Round(mmHg * 0.6), Unit = "mm[Hg]", System = Ucum, Code = "mm[Hg]" },
        });
        return Add(obs);
    }

    // ---------------------------------------------------------------- qualitative findings

    /// <summary>A qualitative result coded SNOMED positive (10828004) or negative (260385009).</summary>
    public PatientBundle Qualitative(string system, string code, When when, bool positive, string prefix)
    {
        var obs = NewObservation(prefix, system, code, null, when);
        obs.Value = positive ? Cc(Snomed, Positive, "Positive") : Cc(Snomed, Negative, "Negative");
        return Add(obs);
    }

    public PatientBundle UrineNitrite(When when, bool positive = true) => Qualitative(Loinc, FhirCodes.UrineNitrite, when, positive, "nitrite");

    /// <summary>AQP4-IgG (LOINC 68548-7).</summary>
    public PatientBundle Aqp4(When when, bool positive = true) => Qualitative(Loinc, FhirCodes.Aqp4, when, positive, "aqp4");

    public PatientBundle Aqp4Positive(When when) => Aqp4(when);

    /// <summary>AQP4-IgG (LOINC 68548-7) reported as a laboratory wrote it: <paramref name="value"/> (another code, a text, a titre) and an interpretation.</summary>
    public PatientBundle Aqp4Reported(When when, DataType? value, CodeableConcept? interpretation = null)
    {
        var obs = NewObservation("aqp4", Loinc, FhirCodes.Aqp4, null, when);
        obs.Value = value;
        if (interpretation is not null)
        {
            obs.Interpretation.Add(interpretation);
        }

        return Add(obs);
    }

    /// <summary>MOG-IgG (LOINC 91545-4, or MSR#mog-igg).</summary>
    public PatientBundle Mog(When when, bool positive = true, bool msrCode = false) =>
        msrCode ? Qualitative(Msr, "mog-igg", when, positive, "mog") : Qualitative(Loinc, FhirCodes.Mog, when, positive, "mog");

    public PatientBundle MogPositive(When when, bool msrCode = false) => Mog(when, true, msrCode);

    /// <summary>2026.2: an MRI's gadolinium-enhancing lesions (MSR#gd-enhancing-lesions), as a count (0 = none).</summary>
    public PatientBundle GadoliniumEnhancingLesions(When mriDate, int lesions)
    {
        var obs = NewObservation("mri-gd", Msr, "gd-enhancing-lesions", "Gadolinium-enhancing lesions", mriDate);
        obs.Value = new Integer(lesions);
        return Add(obs);
    }

    /// <summary>2026.2: deep tendon reflexes examined (MSR#deep-tendon-reflexes), MSR#preserved or MSR#lost.</summary>
    public PatientBundle DeepTendonReflexes(When when, bool preserved)
    {
        var obs = NewObservation("reflexes", Msr, "deep-tendon-reflexes", "Deep tendon reflexes", when);
        obs.Value = Cc(Msr, preserved ? "preserved" : "lost", preserved ? "Preserved" : "Lost");
        return Add(obs);
    }

    /// <summary>Pregnancy observed (LOINC 82810-3 with SNOMED 77386006).</summary>
    public PatientBundle PregnancyObserved(When when)
    {
        var obs = NewObservation("pregstatus", Loinc, PregnancyStatus, "Pregnancy status", when);
        obs.Value = Cc(Snomed, Pregnant, "Patient currently pregnant");
        return Add(obs);
    }

    /// <summary>Breastfeeding observed (MSR#breastfeeding, or LOINC 63895-7 positive).</summary>
    public PatientBundle Breastfeeding(When when, bool msrCode = true) =>
        msrCode ? Qualitative(Msr, "breastfeeding", when, true, "breastfeeding") : Qualitative(Loinc, FhirCodes.Breastfeeding, when, true, "breastfeeding");

    // ---------------------------------------------------------------- allergies

    /// <summary>An active allergy to a steroid (RxNorm 6902 methylprednisolone by default).</summary>
    public PatientBundle SteroidAllergy(string rxNorm = Methylprednisolone) => AddAllergy(RxNorm, rxNorm, "methylprednisolone");

    /// <summary>An active allergy to human albumin (MSR#albumin).</summary>
    public PatientBundle AlbuminAllergy() => AddAllergy(Msr, "albumin", "albumin");

    // ---------------------------------------------------------------- steroids

    /// <summary>One steroid dose as a MedicationAdministration. A null <paramref name="unit"/> writes the dose without a unit.</summary>
    public PatientBundle SteroidDose(string rxNorm, When day, double? mg, string? route, string? unit = "mg")
    {
        var admin = new MedicationAdministration
        {
            Id = NextId("medadmin"),
            Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
            Medication = new CodeableConcept(RxNorm, rxNorm),
            Subject = Subject,
            Effective = new FhirDateTime(day.Fhir),
            Dosage = new MedicationAdministration.DosageComponent(),
        };
        if (route is not null)
        {
            admin.Dosage.Route = Cc(Snomed, route, route == RouteIv ? "Intravenous route" : "Oral route");
        }

        if (mg is { } dose)
        {
            admin.Dosage.Dose = unit is null
                ? new Quantity { Value = (decimal)dose }
                : new Quantity { Value = (decimal)dose, Unit = unit, System = Ucum, Code = unit };
        }

        return Add(admin);
    }

    /// <summary>A run of daily doses given as MedicationAdministrations, one per day from <paramref name="from"/>.</summary>
    public PatientBundle SteroidCourse(string rxNorm, DateOnly from, int days, double mgPerDay, string route)
    {
        for (var i = 0; i < days; i++)
        {
            SteroidDose(rxNorm, from.AddDays(i), mgPerDay, route);
        }

        return this;
    }

    /// <summary>IV methylprednisolone, one administration per day.</summary>
    public PatientBundle IvMethylprednisolone(DateOnly from, int days = 5, double mgPerDay = 1000) =>
        SteroidCourse(Methylprednisolone, from, days, mgPerDay, RouteIv);

    /// <summary>Oral methylprednisolone, one administration per day.</summary>
    public PatientBundle OralMethylprednisolone(DateOnly from, int days = 5, double mgPerDay = 500) =>
        SteroidCourse(Methylprednisolone, from, days, mgPerDay, RouteOral);

    /// <summary>Oral prednisone, one administration per day.</summary>
    public PatientBundle OralPrednisone(DateOnly from, int days, double mgPerDay) =>
        SteroidCourse(FhirCodes.Prednisone, from, days, mgPerDay, RouteOral);

    /// <summary>A steroid MedicationRequest (intent order): bounds start and count of days, dose and route.</summary>
    public PatientBundle SteroidOrder(string rxNorm, DateOnly start, int count, double mgPerDay, string route, string status = "completed")
    {
        var request = new MedicationRequest
        {
            Id = NextId("medreq"),
            Status = status == "active" ? MedicationRequest.MedicationrequestStatus.Active : MedicationRequest.MedicationrequestStatus.Completed,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = new CodeableConcept(RxNorm, rxNorm),
            Subject = Subject,
            AuthoredOn = Fhir(start),
            DosageInstruction =
            [
                new Dosage
                {
                    Timing = new Timing
                    {
                        Repeat = new Timing.RepeatComponent
                        {
                            Bounds = new Period { Start = Fhir(start), End = Fhir(start.AddDays(count - 1)) },
                            Count = count,
                            Frequency = 1,
                            Period = 1,
                            PeriodUnit = Timing.UnitsOfTime.D,
                        },
                    },
                    Route = new CodeableConcept(Snomed, route),
                    DoseAndRate = [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = (decimal)mgPerDay, Unit = "mg", System = Ucum, Code = "mg" } }],
                },
            ],
        };
        return Add(request);
    }

    // ---------------------------------------------------------------- other medications

    /// <summary>A MedicationStatement with one coding (status active, or completed).</summary>
    public PatientBundle MedicationStatement(string system, string code, string? display, string status = "active")
    {
        var statement = new MedicationStatement
        {
            Id = NextId("medstat"),
            Status = status switch
            {
                "completed" => Hl7.Fhir.Model.MedicationStatement.MedicationStatusCodes.Completed,
                "stopped" => Hl7.Fhir.Model.MedicationStatement.MedicationStatusCodes.Stopped,
                _ => Hl7.Fhir.Model.MedicationStatement.MedicationStatusCodes.Active,
            },
            Medication = Cc(system, code, display),
            Subject = Subject,
        };
        return Add(statement);
    }

    public PatientBundle Natalizumab(string status = "active") => MedicationStatement(RxNorm, FhirCodes.Natalizumab, "natalizumab", status);

    /// <summary>Interferon beta-1a by ATC L03AB07.</summary>
    public PatientBundle InterferonBeta() => MedicationStatement(Atc, "L03AB07", "interferon beta-1a");

    /// <summary>Ramipril by its RxNorm ingredient code 35296.</summary>
    public PatientBundle Ramipril() => MedicationStatement(RxNorm, FhirCodes.Ramipril, "ramipril");

    /// <summary>Lisinopril as EHRs send it: the clinical-drug code 314076, recognised by the name in its display.</summary>
    public PatientBundle Lisinopril() => MedicationStatement(RxNorm, Lisinopril10Tablet, "lisinopril 10 MG Oral Tablet");

    public PatientBundle Warfarin() => MedicationStatement(RxNorm, FhirCodes.Warfarin, "warfarin");

    public PatientBundle Apixaban() => MedicationStatement(RxNorm, FhirCodes.Apixaban, "apixaban");

    /// <summary>Ibuprofen as a clinical drug (RxNorm 197806), recognised by the ingredient name in its display.</summary>
    public PatientBundle Ibuprofen() => MedicationStatement(RxNorm, "197806", "Ibuprofen 400 MG Oral Tablet");

    // ---------------------------------------------------------------- apheresis

    /// <summary>A completed plasma-exchange session (CPT 36514).</summary>
    public PatientBundle PlasmaExchangeSession(When when) => AddProcedure(Cpt, PlasmaExchange, "Therapeutic apheresis; for plasma pheresis", when);

    /// <summary>A completed immunoadsorption session (CPT 36516).</summary>
    public PatientBundle ImmunoadsorptionSession(When when) => AddProcedure(Cpt, FhirCodes.Immunoadsorption, "Therapeutic apheresis; with extracorporeal immunoadsorption", when);

    public PatientBundle PlasmaExchangeSessions(params DateOnly[] dates)
    {
        foreach (var date in dates)
        {
            PlasmaExchangeSession(date);
        }

        return this;
    }

    public PatientBundle ImmunoadsorptionSessions(params DateOnly[] dates)
    {
        foreach (var date in dates)
        {
            ImmunoadsorptionSession(date);
        }

        return this;
    }

    // ---------------------------------------------------------------- other patients, ids, statuses

    /// <summary>A second Patient resource in the same bundle (R0: resources of more than one patient).</summary>
    public PatientBundle SecondPatient(string id = "p2")
    {
        return Add(new Patient { Id = id, Gender = AdministrativeGender.Male, BirthDate = "1970-01-01" });
    }

    /// <summary>An observation whose subject is another patient.</summary>
    public PatientBundle ObservationOfAnotherPatient(When when, string otherPatientId = "p2")
    {
        Weight(when, 70);
        ((Observation)Last).Subject = new ResourceReference("Patient/" + otherPatientId);
        return this;
    }

    /// <summary>Renames the resource added last.</summary>
    public PatientBundle Id(string id)
    {
        Last.Id = id;
        return this;
    }

    /// <summary>The id of the resource added last.</summary>
    public string LastId => Last.Id ?? string.Empty;

    /// <summary>Marks the resource added last as entered-in-error (Condition: verificationStatus).</summary>
    public PatientBundle EnteredInError()
    {
        switch (Last)
        {
            case Condition c:
                c.VerificationStatus = new CodeableConcept(ConditionVerification, "entered-in-error");
                break;
            case Observation o:
                o.Status = ObservationStatus.EnteredInError;
                break;
            case MedicationAdministration m:
                m.Status = MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError;
                break;
            case MedicationRequest m:
                m.Status = MedicationRequest.MedicationrequestStatus.EnteredInError;
                break;
            case MedicationStatement m:
                m.Status = Hl7.Fhir.Model.MedicationStatement.MedicationStatusCodes.EnteredInError;
                break;
            case Procedure p:
                p.Status = EventStatus.EnteredInError;
                break;
            case AllergyIntolerance a:
                a.VerificationStatus = new CodeableConcept(AllergyVerification, "entered-in-error");
                break;
            default:
                throw new InvalidOperationException("entered-in-error is not defined for " + Last.TypeName);
        }

        return this;
    }

    /// <summary>Marks the Condition added last as refuted.</summary>
    public PatientBundle Refuted()
    {
        ((Condition)Last).VerificationStatus = new CodeableConcept(ConditionVerification, "refuted");
        return this;
    }

    // ---------------------------------------------------------------- output

    /// <summary>The Bundle (type collection) with the Patient first.</summary>
    public Bundle ToBundle()
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Collection };
        foreach (var resource in new Resource[] { _patient }.Concat(_resources))
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"https://ehr.example.org/fhir/{resource.TypeName}/{resource.Id}",
                Resource = resource,
            });
        }

        return bundle;
    }

    /// <summary>FHIR R4 JSON of the bundle (Firely serializer).</summary>
    public string ToJson() => ToBundle().ToJson(pretty: true);

    // ---------------------------------------------------------------- helpers

    private static string Fhir(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A CodeableConcept with one coding carrying its display (EHRs put names there; fhir-profile.md reads both).</summary>
    private static CodeableConcept Cc(string system, string code, string? display = null) =>
        new() { Coding = [new Coding(system, code, display)] };

    private string NextId(string prefix)
    {
        _counters[prefix] = _counters.GetValueOrDefault(prefix) + 1;
        return prefix + "-" + _counters[prefix].ToString(CultureInfo.InvariantCulture);
    }

    private PatientBundle Add(Resource resource)
    {
        _resources.Add(resource);
        return this;
    }

    private Observation NewObservation(string prefix, string system, string code, string? display, When when) => new()
    {
        Id = NextId(prefix),
        Status = ObservationStatus.Final,
        Code = Cc(system, code, display),
        Subject = Subject,
        Effective = new FhirDateTime(when.Fhir),
    };

    private PatientBundle AddCondition(string prefix, string system, string code, string display, When? onset, When? abatement, string? clinicalStatus)
    {
        var condition = new Condition
        {
            Id = NextId(prefix),
            Code = Cc(system, code, display),
            Subject = Subject,
        };
        if (clinicalStatus is not null)
        {
            condition.ClinicalStatus = new CodeableConcept(ConditionClinical, clinicalStatus);
        }

        if (onset is { } o)
        {
            condition.Onset = new FhirDateTime(o.Fhir);
        }

        if (abatement is { } a)
        {
            condition.Abatement = new FhirDateTime(a.Fhir);
        }

        return Add(condition);
    }

    private PatientBundle AddAllergy(string system, string code, string display) => Add(new AllergyIntolerance
    {
        Id = NextId("allergy"),
        ClinicalStatus = new CodeableConcept(AllergyClinical, "active"),
        VerificationStatus = new CodeableConcept(AllergyVerification, "confirmed"),
        Code = Cc(system, code, display),
        Patient = Subject,
    });

    private PatientBundle AddProcedure(string system, string code, string display, When when) => Add(new Procedure
    {
        Id = NextId("procedure"),
        Status = EventStatus.Completed,
        Code = Cc(system, code, display),
        Subject = Subject,
        Performed = new FhirDateTime(when.Fhir),
    });
}
