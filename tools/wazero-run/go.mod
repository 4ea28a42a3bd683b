module github.com/seam-carver/seam-carver/tools/wazero-run

go 1.22.0

require github.com/tetratelabs/wazero v1.12.0
