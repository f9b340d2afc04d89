using System.Text;

namespace MsRelapse.Screening.Tests;

/// <summary>
/// A spill file read whole into a buffer (<see cref="SpillRecord.ReadInto"/> and <see cref="SpillRecord.Parse"/>,
/// what the screen does, here after other bytes already in the buffer) gives exactly the records
/// <see cref="BinaryWriter"/> wrote, and so does <see cref="SpillRecord.ReadAll"/>: keys of any length (a length prefix
/// of one, two or three bytes) and any script, the file index, the line number, the line's bytes, and whether they are
/// an Observation's compact form.
/// </summary>
public sealed class SpillRecordTests
{
    [Fact]
    public void A_compact_record_is_never_empty() =>
        Assert.Throws<ArgumentException>(() => SpillRecord.Write(new BinaryWriter(Stream.Null), "p1", 0, 1, [], compact: true));

    [Fact]
    public void A_spill_file_read_whole_gives_the_records_the_writer_wrote()
    {
        (string Key, int File, long Line, string Json, bool Compact)[] written =
        [
            ("p1", 0, 1, """{"resourceType":"Patient","id":"p1"}""", false),
            ("urn-uuid-é-患者", 3, 5_000_000_000L, """{"resourceType":"Observation","note":"é"}""", false),
            (new string('k', 200), 7, 42, """{"resourceType":"Condition"}""", false), // a two-byte length prefix
            (new string('x', 20_000), int.MaxValue, long.MaxValue, "{}", false), // a three-byte length prefix
            ("p1", 1, 2, "", false),
            ("p1", 2, 9, "compact form, not JSON", true), // an Observation's compact form: a negative length
            ("p2", 2, 10, new string('c', 70_000), true),
        ];
        var path = Path.Combine(Path.GetTempPath(), $"msr-spill-{Guid.NewGuid():N}.spill");
        try
        {
            using (var writer = new BinaryWriter(File.Create(path), Encoding.UTF8))
            {
                foreach (var (key, file, line, json, compact) in written)
                {
                    SpillRecord.Write(writer, key, file, line, Encoding.UTF8.GetBytes(json), compact);
                }
            }

            var buffer = new byte[100 + new FileInfo(path).Length];
            Array.Fill(buffer, (byte)0xEE);
            var length = SpillRecord.ReadInto(path, buffer, 100);
            var parsed = SpillRecord.Parse(buffer.AsMemory(100, length))
                .Select(r => (r.Key, r.FileIndex, r.Line, Encoding.UTF8.GetString(r.Bytes.Span), r.IsCompact)).ToList();
            var copied = SpillRecord.ReadAll(path).Select(r => (r.Key, r.FileIndex, r.Line, Encoding.UTF8.GetString(r.Bytes), r.IsCompact)).ToList();

            Assert.Equal(written, parsed);
            Assert.Equal(written, copied);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
