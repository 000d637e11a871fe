using AuroraStream.Formats.Cdf;
using AuroraStream.TestUtilities;

namespace AuroraStream.Formats.Tests.Cdf;

public sealed class CdfVirtualRecordTests
{
    [Fact]
    public void ReadRecords_SparseFieldCase_MarksTheVirtualRecords()
    {
        using var cdf = CdfFile.Open(RepoPaths.Data("field-cases", "cdf", "thg_l2_mag_tst1_20140310_sparse.cdf"));
        var variable = cdf.GetVariable("thg_mag_tst1");

        var sources = cdf.ReadRecords<double>(variable).Select(r => r.Source).ToList();

        Assert.Equal(CdfSparseRecords.Pad, variable.SparseRecordKind);
        Assert.Equal([.. Enumerable.Repeat(CdfRecordSource.Stored, 3), .. Enumerable.Repeat(CdfRecordSource.Pad, 3), .. Enumerable.Repeat(CdfRecordSource.Stored, 4)], sources);
    }

    [Fact]
    public void ReadRecords_PreviousSparseBeforeAnyStoredRecord_IsThePad()
    {
        var bytes = new CdfTestWriter()
            .AddSparseVariable("status", CdfTestWriter.Uint2, [], [null, new ushort[] { 3 }, null], sparse: 2)
            .Build();
        using var cdf = CdfFile.Open(new MemoryStream(bytes), "previous.cdf");

        var records = cdf.ReadRecords<ushort>(cdf.GetVariable("status")).ToList();

        Assert.Equal([CdfRecordSource.Pad, CdfRecordSource.Stored, CdfRecordSource.Previous], records.Select(r => r.Source));
        Assert.Equal(new ushort[] { 65534, 3, 3 }, records.Select(r => r.Values[0]));
    }

    [Theory]
    [InlineData(CdfDataType.Int1, -127)]
    [InlineData(CdfDataType.UInt1, 254)]
    [InlineData(CdfDataType.Int2, -32767)]
    [InlineData(CdfDataType.UInt2, 65534)]
    [InlineData(CdfDataType.Int4, -2147483647)]
    [InlineData(CdfDataType.UInt4, 4294967294)]
    [InlineData(CdfDataType.Real4, -1.0e30f)]
    [InlineData(CdfDataType.Real8, -1.0e30)]
    [InlineData(CdfDataType.Epoch, 0)]
    [InlineData(CdfDataType.TimeTt2000, -9223372036854775807)]
    public void DefaultPad_IsTheCdfLibrarysPad(CdfDataType type, double expected) =>
        Assert.Equal(expected, CdfValues.ToDoubles(CdfDataTypes.DefaultPad(type), type)[0]);
}
