module example.com/system-info-exporter

go 1.22
