x = 5 5
	y
        z
