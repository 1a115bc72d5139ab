import streamlit as st
st.title('dunning')
