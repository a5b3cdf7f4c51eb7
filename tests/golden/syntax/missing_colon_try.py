try
  pass
except:
  pass
