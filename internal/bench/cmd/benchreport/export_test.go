package main

import (
	"strings"
	"testing"
)

func TestParseExport_ReadsEachSizeAndFormatsFigures(t *testing.T) {
	out := `goos: linux
BenchmarkRowExport500k/50000/csv-2         	       1	420000000 ns/op	        12.00 base-heap-MiB	        5.76 body-MiB	        29.00 peak-heap-MiB
BenchmarkRowExport500k/50000/xlsx-2        	       1	1500000000 ns/op	        12.00 base-heap-MiB	        1.60 body-MiB	        80.00 peak-heap-MiB
BenchmarkRowExport500k/500000/csv-2         	       1	4200000000 ns/op	        12.50 base-heap-MiB	        60.00 base-rss-MiB	        41.30 body-MiB	        15.25 peak-heap-MiB	        75.50 peak-rss-MiB
BenchmarkRowExport500k/500000/xlsx-2        	       1	31000000000 ns/op	        12.40 base-heap-MiB	        20.70 body-MiB	        19.00 peak-heap-MiB
PASS`
	rows := parseExport(out)
	if len(rows) != 4 {
		t.Fatalf("rows: %+v", rows)
	}
	csv, xlsx := rows[2], rows[3]
	if csv.rows != 500000 || csv.format != "csv" || csv.seconds != 4.2 || csv.baseHeap != 12.5 || csv.peakHeap != 15.25 || csv.body != 41.3 ||
		csv.baseRSS != 60 || csv.peakRSS != 75.5 {
		t.Errorf("csv: %+v", csv)
	}
	if xlsx.rows != 500000 || xlsx.format != "xlsx" || xlsx.seconds != 31 || xlsx.peakHeap != 19 || xlsx.peakRSS != 0 {
		t.Errorf("xlsx: %+v", xlsx)
	}
	if rows[0].rows != 50000 || rows[0].format != "csv" {
		t.Errorf("first row: %+v", rows[0])
	}
	md := (&exportResult{rows: rows}).markdown(2)
	for _, want := range []string{"## Export of 500,000 rows", "| CSV | 500,000 | 41.3 MiB | 4.2 s | 12.5 → 15.2 MiB | 60.0 → 75.5 MiB |",
		"| XLSX | 500,000 | 20.7 MiB | 31.0 s | 12.4 → 19.0 MiB | — |", "| CSV | 50,000 | 5.8 MiB |",
		"CSV, 17.0 MiB at 50,000 rows, 2.8 MiB at 500,000 rows; XLSX, 68.0 MiB at 50,000 rows, 6.6 MiB at 500,000 rows", exportCommand()} {
		if !strings.Contains(md, want) {
			t.Errorf("section lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains((&exportResult{failure: "exit status 1"}).markdown(2), "**Not measured:** exit status 1") {
		t.Error("a failed step is not said")
	}
}
