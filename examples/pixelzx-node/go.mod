module github.com/yuchanshin/pixelzx

go 1.22
